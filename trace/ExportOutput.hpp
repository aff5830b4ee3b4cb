// The file an export writes: an OutputFile (written aside, put in place only when the export has
// succeeded, removed on any failure or interruption) that is created only once the input's header
// has been read and found good, so a bad input never leaves anything behind.
#pragma once

#include "OutputFile.hpp"

#include <optional>
#include <ostream>
#include <string>

namespace rxpath::trace {

class ExportOutput {
public:
  // Refuses (OutputError) an output that is the input itself, a directory or in a missing
  // directory; nothing is created until open().
  ExportOutput(std::string out, const std::string& in);

  // Creates the file; call once the input's header has been read and found good.
  std::ostream& open();
  std::ostream& stream() { return file_->stream(); }
  bool is_open() const { return file_.has_value(); }
  // Puts the file in place; throws OutputError if the data could not be written.
  void commit() { file_->commit(); }

private:
  std::string out_, in_;
  std::optional<OutputFile> file_;
};

} // namespace rxpath::trace
