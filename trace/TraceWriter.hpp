// Streaming writer of the JSON Lines trace (docs/trace-format.md): header, events, end object.
// Events are formatted by hand into a buffer (no JSON DOM per event), so traces of tens of
// millions of events stream to disk. The file is an OutputFile: written aside and put in place by
// commit(), so an interrupted run never leaves a half-written trace under the final name.
#pragma once

#include "Event.hpp"
#include "OutputFile.hpp"

#include <nlohmann/json_fwd.hpp>

#include <cstdio>
#include <string>
#include <vector>

namespace rxpath::trace {

class TraceWriter {
public:
  // `inputs`: files the run read, which the trace must not replace.
  explicit TraceWriter(const std::string& path, const std::vector<std::string>& inputs = {});
  TraceWriter(const TraceWriter&) = delete;
  TraceWriter& operator=(const TraceWriter&) = delete;

  // `header` is completed with "format" and "version".
  void write_header(nlohmann::json header);
  void write(const Event& e);
  // The final object: {"k":"end", ...counters}.
  void write_end(const nlohmann::json& end);
  // Flushes and puts the trace in place.
  void commit();

  uint64_t events_written() const { return events_; }
  const std::string& path() const { return out_.path(); }

private:
  void flush();
  void put(std::string_view s) { buf_.insert(buf_.end(), s.begin(), s.end()); }
  void put_int(int64_t v);
  void field(std::string_view key, int64_t v);
  void field(std::string_view key, std::string_view v);

  OutputFile out_;
  std::vector<char> buf_;
  uint64_t events_ = 0;
  Profile profile_ = Profile::Linux3_19; // which names the header's function table uses
};

} // namespace rxpath::trace
