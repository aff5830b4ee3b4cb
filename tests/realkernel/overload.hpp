// rxpath-kernel-compare --overload: the real kernel under CPU load (issue 11, point 6). A sender
// paced by spinning on CLOCK_MONOTONIC (or back to back) and a receiver with busy work per datagram,
// on one CPU or on two, from light load to past saturation; each row through the kernel and the
// model, with the datagrams received and dropped and the end-to-end latency.
#pragma once

#include "compare.hpp"

namespace rxpath::realkernel {

// Runs every overload row and prints the table (Markdown and JSON as o.markdown and o.json_out ask).
// Exit codes: 0 done, 1 the harness broke (a row sent or received nothing, no latency, a side did
// not run) or, with o.check_overload, a row is off target; 77 no network namespace here.
int run_overload(const Options& o);

} // namespace rxpath::realkernel
