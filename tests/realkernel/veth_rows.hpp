// rxpath-kernel-compare --veth: the real kernel between two network namespaces joined by a veth pair
// (issue 12, point 5). Each row is one rxpath-udpprobe veth run (or o.runs of them): the receiving
// end's GRO, NAPI ring, threaded NAPI, busy polling, RPS, the global netdev_budget, SO_RCVBUF, at a
// light load and back to back; with where the datagrams went (socket, devices, softnet per CPU) and
// the latency. Kernel columns only: the model has no veth device yet (its column reads "—"; see
// model_side in veth_rows.cpp for where it goes).
#pragma once

#include "compare.hpp"

namespace rxpath::realkernel {

// Runs every veth row and prints the table (Markdown and JSON as o.markdown and o.json_out ask).
// Exit codes: 0 done, 1 the harness broke (a row's probe failed, or it sent or received nothing);
// never because of a figure; 77 no network namespace here.
int run_veth(const Options& o);

} // namespace rxpath::realkernel
