#include "ExportOutput.hpp"

#include "TraceReader.hpp"

#include <filesystem>

namespace fs = std::filesystem;

namespace rxpath::trace {

ExportOutput::ExportOutput(std::string out, const std::string& in)
    : out_(std::move(out)), tmp_(out_ + ".tmp") {
  std::error_code ec;
  if (fs::equivalent(out_, in, ec))
    throw TraceError(out_ + ": is the input trace itself; choose another output file");
  const fs::path dir = fs::path(out_).parent_path();
  if (!dir.empty() && !fs::is_directory(dir, ec))
    throw TraceError(out_ + ": the directory " + dir.string() + " does not exist");
  if (fs::is_directory(out_, ec)) throw TraceError(out_ + ": is a directory (expected a file to write)");
}

ExportOutput::~ExportOutput() {
  if (committed_ || !os_.is_open()) return;
  os_.close();
  std::error_code ec;
  fs::remove(tmp_, ec);
}

std::ostream& ExportOutput::open() {
  os_.open(tmp_, std::ios::binary | std::ios::trunc);
  if (!os_) throw TraceError(out_ + ": cannot write " + tmp_);
  return os_;
}

void ExportOutput::commit() {
  os_.close();
  std::error_code ec;
  if (!os_) {
    fs::remove(tmp_, ec);
    throw TraceError(out_ + ": write failed (disk full?)");
  }
  fs::rename(tmp_, out_, ec);
  if (ec) {
    fs::remove(tmp_, ec);
    throw TraceError(out_ + ": cannot rename " + tmp_ + " to it: " + ec.message());
  }
  committed_ = true;
}

} // namespace rxpath::trace
