// Streaming reader of an rxpath trace. Reads the file in large blocks and parses each event line
// with simdjson's on-demand API (no DOM), so a trace of any size needs memory only for a block.
// A file that stops mid-way (no end object, or a last line cut short) reads up to its last
// complete event and reports truncated(). Every event is checked for shape: a wrong type, a value
// out of range or an unknown name is a TraceError naming the file, the line and the key.
#pragma once

#include "Event.hpp"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace rxpath::trace {

// Bad trace input: the message names the file, the line and what was expected.
class TraceError : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

// What the header allows an event to name: CPUs, sockets and receiver threads that exist.
struct TraceLimits {
  int cpus = 1;
  int sockets = -1;   // -1: the header lists none, so any index up to kMaxIndex
  int receivers = -1; // likewise
  int tasks = -1;     // likewise
};

inline constexpr int kMaxCpus = 1024;           // the scenario allows 64; beyond this, not a trace
inline constexpr int64_t kMaxIndex = 32767;     // sockets, receivers, fragments
inline constexpr int64_t kMaxValue = INT32_MAX; // pkt and every counter-like field
inline constexpr size_t kMaxLineBytes = 64u << 20;
inline constexpr int kMaxJsonDepth = 64; // header and end objects (the writer nests 4 deep)

// Which build of the event parser the EventParsers made from now on use: "haswell" (simdjson's
// AVX2 on-demand code, on a CPU with AVX2, BMI1/2, PCLMUL and LZCNT) or "portable" (its fallback
// code, for any x86-64). Chosen at the first parser from the CPU, or from RXPATH_PARSE when it
// names one this CPU can run.
std::string_view parse_implementation();
// Forces one (tests, benchmarks); false, and nothing changed, if this build or CPU lacks it.
bool set_parse_implementation(std::string_view name);
// Whether the parsers made from now on try the scanner for the writer's own lines first (on,
// unless RXPATH_PARSE_SCAN=0); off, every line goes through simdjson. The same events either way.
bool parse_scanner();
void set_parse_scanner(bool on);

// Parses event lines. Not thread-safe: one per thread. The bytes of a line must stay readable for
// kParsePadding bytes past its end (simdjson reads in 64-byte blocks).
class EventParser {
public:
  static constexpr size_t kParsePadding = 64;
  enum class Line { Event, End, Blank };

  explicit EventParser(TraceLimits limits);
  ~EventParser();
  EventParser(const EventParser&) = delete;
  EventParser& operator=(const EventParser&) = delete;

  // Throws TraceError with the problem only ("key \"pkt\": ..."); the caller prefixes file:line.
  Line parse(std::string_view line, Event& e);

private:
  Line parse_fields(std::string_view line, Event& e);

  struct Impl;
  std::unique_ptr<Impl> impl_;
  TraceLimits limits_;
};

// Parses a header or end object with nlohmann after checking its nesting depth, which nlohmann's
// recursive destructor and dump() would otherwise turn into a stack overflow.
nlohmann::json parse_bounded_json(std::string_view text);

class TraceReader {
public:
  // Opens the file and reads the header; throws TraceError if it is not an rxpath trace of a
  // schema version this reader understands.
  explicit TraceReader(std::string path);
  ~TraceReader();

  const nlohmann::json& header() const { return header_; }
  int cpus() const { return cpus_; }
  const TraceLimits& limits() const { return limits_; }

  // Reads the next event; false when the events end (end object reached, or the file ends).
  bool next(Event& e);

  // After next() returned false: the end object with the counters, if the trace has one.
  const nlohmann::json& end() const { return end_; }
  bool has_end() const { return !end_.is_null(); }
  // The file ended without its end object, or with a last line cut short.
  bool truncated() const { return truncated_; }
  // The line last read (after a truncated trace: the cut line, or the last line of the file).
  int64_t line() const { return line_no_; }
  // The line of the last complete event (or of the header when there is none).
  int64_t last_event_line() const { return last_event_line_; }
  // Bytes consumed so far (for progress bars), and the file's size.
  int64_t bytes_read() const { return offset_ + static_cast<int64_t>(pos_); }
  int64_t bytes_total() const { return bytes_total_; }
  const std::string& path() const { return path_; }

  // Parses one event object (exposed for tests and other readers).
  static Event parse_event(const nlohmann::json& j, const std::string& where);

  // The header line's bytes: readers that parse the events themselves (in parallel) start there.
  int64_t events_offset() const { return events_offset_; }

  // Checks the text of a header line and returns it parsed; `where` is "file:1".
  static nlohmann::json parse_header(std::string_view line, const std::string& where);
  // What a header allows events to name.
  static TraceLimits limits_of(const nlohmann::json& header);

private:
  [[noreturn]] void fail(const std::string& what) const;
  // The next line without its '\n' (false at the end of the file); `complete` says whether a
  // '\n' ended it.
  bool next_line(std::string_view& line, bool& complete);
  bool fill();

  std::string path_;
  std::FILE* file_ = nullptr;
  std::vector<char> buf_;
  size_t pos_ = 0, len_ = 0; // unread bytes are buf_[pos_, len_)
  int64_t offset_ = 0;       // file offset of buf_[0]
  bool eof_ = false;
  int64_t line_no_ = 0;
  int64_t last_event_line_ = 1;
  int64_t events_offset_ = 0;
  nlohmann::json header_;
  nlohmann::json end_;
  int cpus_ = 0;
  TraceLimits limits_;
  std::unique_ptr<EventParser> parser_;
  int64_t bytes_total_ = 0;
  bool truncated_ = false;
  bool done_ = false;
};

} // namespace rxpath::trace
