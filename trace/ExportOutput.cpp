#include "ExportOutput.hpp"

namespace rxpath::trace {

ExportOutput::ExportOutput(std::string out, const std::string& in) : out_(std::move(out)), in_(in) {
  check_output_path(out_, {in_});
}

std::ostream& ExportOutput::open() {
  file_.emplace(out_, std::vector<std::string>{in_});
  return file_->stream();
}

} // namespace rxpath::trace
