#include "TraceWriter.hpp"

#include <nlohmann/json.hpp>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <stdexcept>

namespace rxpath::trace {

TraceWriter::TraceWriter(const std::string& path, const std::vector<std::string>& inputs)
    : out_(path, inputs) {
  buf_.reserve(1 << 20);
}

void TraceWriter::write_header(nlohmann::json header) {
  profile_ = names_of_header(header);
  header["format"] = kFormatName;
  header["version"] = kSchemaVersion;
  put(header.dump());
  buf_.push_back('\n');
}

void TraceWriter::put_int(int64_t v) {
  char tmp[24];
  auto [p, ec] = std::to_chars(tmp, tmp + sizeof tmp, v);
  buf_.insert(buf_.end(), tmp, p);
}

void TraceWriter::field(std::string_view key, int64_t v) {
  buf_.push_back(',');
  buf_.push_back('"');
  put(key);
  put("\":");
  put_int(v);
}

void TraceWriter::field(std::string_view key, std::string_view v) {
  buf_.push_back(',');
  buf_.push_back('"');
  put(key);
  put("\":\"");
  put(v); // all our strings are identifiers: nothing to escape
  buf_.push_back('"');
}

// Key order is fixed so that the same run gives the same bytes.
void TraceWriter::write(const Event& e) {
  put("{\"t\":");
  put_int(e.t);
  if (e.end != kUnset) field("end", e.end);
  field("k", to_string(e.kind));
  field("cpu", e.cpu);
  field("ctx", to_string(e.ctx));
  field("fn", to_string(e.fn, profile_));
  auto fields = [&](bool state) {
    for (const auto& f : kFields)
      if (f.state == state && e.*f.member != kUnset) field(f.key, e.*f.member);
  };
  fields(false);
  if (e.hook != Hook::None) field("hook", to_string(e.hook));
  if (e.reason != DropReason::None) field("reason", to_string(e.reason));
  if (e.why != SwitchWhy::None) field("why", to_string(e.why));
  fields(true);
  if (e.trunc) put(",\"trunc\":true");
  put("}\n");
  ++events_;
  if (buf_.size() > (1u << 20) - 512) flush();
}

void TraceWriter::write_end(const nlohmann::json& end) {
  nlohmann::json e = end;
  e["k"] = "end";
  put(e.dump());
  buf_.push_back('\n');
}

void TraceWriter::flush() {
  out_.write({buf_.data(), buf_.size()});
  buf_.clear();
}

void TraceWriter::commit() {
  flush();
  out_.commit();
}

} // namespace rxpath::trace
