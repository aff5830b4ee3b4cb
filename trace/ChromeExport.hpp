// Converts an rxpath trace to the Chrome trace-event format that Perfetto UI and
// chrome://tracing open: a process per lane (NIC, each CPU used, each socket), a thread per CPU
// context and receiver thread, spans as complete events, packet events as zero-length ones, flow
// arrows only where a packet moves to another CPU, and counter tracks (ring fill, backlog,
// sk_rmem_alloc, sk_rcvbuf, receive queue length).
#pragma once

#include <string>

namespace rxpath::trace {

// Streams `in` (an rxpath trace) to `out`; returns the number of trace events written. Throws
// TraceError on a bad or truncated input trace, leaving no output behind.
long export_chrome(const std::string& in, const std::string& out);

} // namespace rxpath::trace
