// `rxpath compare A B`: two traces of the same traffic, packet by packet.
#pragma once

#include <ostream>
#include <string>

namespace rxpath::cli {

// Prints latency differences by stage (B − A, median and tail), packets whose fate differs, and
// counters that differ. Throws TraceError / ScenarioError on unusable input.
int compare(std::ostream& os, const std::string& a, const std::string& b);

} // namespace rxpath::cli
