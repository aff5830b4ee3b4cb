// Input that cannot be charted (bad user input, caught at the edge: rxpath-plot exits with 2, the
// viewer shows a dialog). The message names the file and, for JSON, the key.
#pragma once

#include <stdexcept>

namespace rxpath::charts {

struct ChartError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

} // namespace rxpath::charts
