// Converts an rxpath trace to Perfetto's native format: a protobuf `Trace` of `TracePacket`s
// carrying TrackEvents (perfetto/protos/perfetto/trace/track_event/*.proto), which ui.perfetto.dev
// and trace_processor open. Lanes (the NIC, each CPU, each socket) are parent tracks; each CPU
// context and receiver thread is a child track with its spans as slices and its packet events as
// instants; ring fill, backlog length, sk_rmem_alloc, sk_rcvbuf and the receive queue length are
// counter tracks. A flow (flow_ids, then terminating_flow_ids) joins a packet's last event on one
// CPU to its first on the next. Event names, categories, annotation names and drop reasons are
// interned. Written as it reads: memory holds the packets in flight, not the trace.
#pragma once

#include <string>

namespace rxpath::trace {

struct PerfettoStats {
  long packets = 0; // TracePackets written
  long flows = 0;
};

// Throws TraceError on a bad or truncated input trace, leaving no output behind.
PerfettoStats export_perfetto(const std::string& in, const std::string& out);

} // namespace rxpath::trace
