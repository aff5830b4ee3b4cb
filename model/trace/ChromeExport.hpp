// Converts an rxpath trace to the Chrome trace-event format that Perfetto UI and
// chrome://tracing open: a process per CPU (and one for the NIC), a thread per context, spans as
// complete events, packet stages as instant events, and flow arrows linking each packet's stages.
#pragma once

#include <string>

namespace rxpath::trace {

// Streams `in` (an rxpath trace) to `out`; returns the number of trace events written. Throws
// TraceError on a bad input trace; writes OUT.tmp and renames it when done.
long export_chrome(const std::string& in, const std::string& out);

} // namespace rxpath::trace
