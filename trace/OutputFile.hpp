// A file named on a command line, written so that nothing half-written is ever left under its
// name and nothing that was there is destroyed before the new content is complete:
// - a regular file (or a new one) is written to a hidden temporary file beside it and renamed
//   over it by commit(); a symlink is followed, so the file it points to is replaced;
// - "-" is standard output; a device node, FIFO or socket (/dev/null, a pipe) is written in place;
// - a directory, a missing directory, an unwritable place, or a file that is also one of the
//   command's inputs is refused with an OutputError (bad input: exit 2).
// Temporary files are also removed when the process is interrupted (SIGINT, SIGTERM, SIGHUP) or
// aborts (SIGABRT): call install_output_cleanup() once in main().
#pragma once

#include <cstdio>
#include <ext/stdio_sync_filebuf.h>
#include <memory>
#include <ostream>
#include <stdexcept>
#include <string>
#include <vector>

namespace rxpath::trace {

// Bad output path: the message names it and says what is wrong.
class OutputError : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

class OutputFile {
public:
  // `inputs`: files this command reads; writing over one of them is refused.
  explicit OutputFile(const std::string& path, const std::vector<std::string>& inputs = {});
  ~OutputFile(); // without commit(): the temporary file is removed
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;

  std::FILE* file() { return file_; }
  // The same file as a stream (for writers that format into an ostream).
  std::ostream& stream();
  void write(std::string_view s);
  // Flushes, checks for write errors and puts the file in place (OutputError if that fails).
  void commit();
  const std::string& path() const { return path_; }

private:
  void discard();

  std::string path_;  // as the user named it
  std::string final_; // where the content ends up (symlinks followed)
  std::string tmp_;   // empty when written in place
  std::FILE* file_ = nullptr;
  std::unique_ptr<__gnu_cxx::stdio_sync_filebuf<char>> buf_;
  std::unique_ptr<std::ostream> stream_;
  bool committed_ = false;
  int slot_ = -1; // in the cleanup registry
};

// Refuses `path` early (before any work) for the reasons OutputFile would; creates nothing.
void check_output_path(const std::string& path, const std::vector<std::string>& inputs = {});

// Installs the signal handlers that remove temporary outputs of an interrupted process.
void install_output_cleanup();
// `fn` also runs in those handlers, first (async-signal-safe code only: e.g. kill children).
void on_fatal_signal(void (*fn)());

} // namespace rxpath::trace
