// Streaming reader of an rxpath trace. Reads one line at a time, so a trace of any size needs
// memory only for the current line. A file that stops mid-way (no end object, or a last line cut
// short) reads up to its last complete event and reports truncated().
#pragma once

#include "Event.hpp"

#include <nlohmann/json.hpp>

#include <fstream>
#include <stdexcept>
#include <string>

namespace rxpath::trace {

// Bad trace input: the message names the file, the line and what was expected.
class TraceError : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

class TraceReader {
public:
  // Opens the file and reads the header; throws TraceError if it is not an rxpath trace of a
  // schema version this reader understands.
  explicit TraceReader(std::string path);

  const nlohmann::json& header() const { return header_; }
  int cpus() const { return cpus_; }

  // Reads the next event; false when the events end (end object reached, or the file ends).
  bool next(Event& e);

  // After next() returned false: the end object with the counters, if the trace has one.
  const nlohmann::json& end() const { return end_; }
  bool has_end() const { return !end_.is_null(); }
  // The file ended without its end object, or with a last line cut short.
  bool truncated() const { return truncated_; }
  int64_t line() const { return line_no_; }
  // Bytes consumed so far (for progress bars).
  int64_t bytes_read() { return in_ ? static_cast<int64_t>(in_.tellg()) : bytes_total_; }
  const std::string& path() const { return path_; }

  // Parses one event object (exposed for tests and other readers).
  static Event parse_event(const nlohmann::json& j, const std::string& where);

private:
  [[noreturn]] void fail(const std::string& what) const;

  std::string path_;
  std::ifstream in_;
  std::string line_;
  int64_t line_no_ = 0;
  nlohmann::json header_;
  nlohmann::json end_;
  int cpus_ = 0;
  int64_t bytes_total_ = 0;
  bool truncated_ = false;
  bool done_ = false;
};

} // namespace rxpath::trace
