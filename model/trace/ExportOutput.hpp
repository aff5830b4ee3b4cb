// The file an export writes: OUT.tmp, renamed to OUT only when the export has succeeded, and
// removed on any failure, so a bad or truncated input never leaves a half-written file behind.
#pragma once

#include <fstream>
#include <string>

namespace rxpath::trace {

class ExportOutput {
public:
  // Refuses (TraceError) an output that is the input itself or sits in a missing directory; the
  // file is not created until open().
  ExportOutput(std::string out, const std::string& in);
  ~ExportOutput();
  ExportOutput(const ExportOutput&) = delete;
  ExportOutput& operator=(const ExportOutput&) = delete;

  // Creates OUT.tmp; call once the input's header has been read and found good.
  std::ostream& open();
  std::ostream& stream() { return os_; }
  bool is_open() const { return os_.is_open(); }
  // Flushes and renames OUT.tmp to OUT; throws TraceError if the data could not be written.
  void commit();

private:
  std::string out_, tmp_;
  std::ofstream os_;
  bool committed_ = false;
};

} // namespace rxpath::trace
