// The shape of a trace's end object (docs/trace-format.md): the counters every reader of a trace
// (summary, compare, sweeps, the viewer) indexes. Checked once, so that a hand-edited or foreign
// trace is bad input naming the key, not a crash in whichever reader meets it first.
#pragma once

#include <nlohmann/json.hpp>

#include <string>

namespace rxpath::trace {

// Throws TraceError("WHERE: end object: KEY: expected ...") unless `end` has the counters rxpath
// writes: integers (non-negative), at most three levels deep, names as strings, one row per CPU.
void check_end(const nlohmann::json& end, const std::string& where, int64_t cpus);

} // namespace rxpath::trace
