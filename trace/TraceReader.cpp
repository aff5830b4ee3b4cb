#include "TraceReader.hpp"

#include <simdjson.h>

#include <sys/stat.h>

#include <algorithm>
#include <cstring>
#include <unordered_map>

namespace rxpath::trace {
namespace {

namespace od = simdjson::ondemand;

constexpr size_t kBlockBytes = 1u << 20;
constexpr int64_t kMaxTime = 1'000'000'000'000'000'000; // 31 years in ns: sums stay in int64

// A value quoted in an error, cut so that a 100 MB string is not echoed whole.
std::string quote(std::string_view s) {
  constexpr size_t kMax = 40;
  return s.size() <= kMax ? std::string(s) : std::string(s.substr(0, kMax)) + "…";
}

std::string_view type_name(od::value& v) {
  od::json_type t;
  if (v.type().get(t)) return "invalid JSON";
  switch (t) {
  case od::json_type::array:
    return "an array";
  case od::json_type::object:
    return "an object";
  case od::json_type::number:
    return "a number";
  case od::json_type::string:
    return "a string";
  case od::json_type::boolean:
    return "a boolean";
  case od::json_type::null:
    return "null";
  }
  return "a value";
}

// "found 1e15" for a scalar, "found an object" otherwise.
std::string found(od::value& v) {
  od::json_type t;
  if (!v.type().get(t) && t != od::json_type::array && t != od::json_type::object) {
    std::string_view raw = v.raw_json_token();
    while (!raw.empty() && (raw.back() == ' ' || raw.back() == '\t')) raw.remove_suffix(1);
    return "found " + quote(raw);
  }
  return "found " + std::string(type_name(v));
}

[[noreturn]] void bad_key(std::string_view key, const std::string& what) {
  throw TraceError("key \"" + std::string(key) + "\": " + what);
}

int64_t read_int(od::value& v, std::string_view key, int64_t lo, int64_t hi) {
  int64_t x = 0;
  if (v.get_int64().get(x) || x < lo || x > hi)
    bad_key(key, "expected an integer " + std::to_string(lo) + ".." + std::to_string(hi) + ", " + found(v));
  return x;
}

std::string_view read_string(od::value& v, std::string_view key, const char* expected) {
  std::string_view s;
  if (v.get_string().get(s)) bad_key(key, std::string("expected ") + expected + ", " + found(v));
  return s;
}

// A cheap hash of a short name (length and three letters): std::hash of every key and function
// name was a tenth of the parse.
struct NameHash {
  size_t operator()(std::string_view s) const {
    if (s.empty()) return 0;
    return s.size() * 0x9e3779b1u ^ static_cast<unsigned char>(s[0]) << 8 ^
           static_cast<unsigned char>(s[s.size() / 2]) << 16 ^ static_cast<unsigned char>(s.back()) << 24;
  }
};

// Function names by any kernel version's spelling.
const std::unordered_map<std::string_view, Fn, NameHash>& fn_names() {
  static const auto* names = [] {
    auto* m = new std::unordered_map<std::string_view, Fn, NameHash>;
    for (size_t i = 0; i < static_cast<size_t>(Fn::Count_); ++i) {
      const auto f = static_cast<Fn>(i);
      m->emplace(info(f, Profile::Linux3_19).name, f);
      m->emplace(info(f, Profile::Linux6_18).name, f);
    }
    return m;
  }();
  return *names;
}

// The keys an event may carry; a bit each, to refuse a key given twice. The integer fields of
// kFields take the bits from kFieldBit0 on, in the table's order.
enum KeyBit : uint32_t {
  kT = 1u << 0,
  kEnd = 1u << 1,
  kK = 1u << 2,
  kCpu = 1u << 3,
  kCtx = 1u << 4,
  kFn = 1u << 5,
  kHook = 1u << 6,
  kReason = 1u << 7,
  kTrunc = 1u << 8,
  kFieldBit0 = 9,
};
static_assert(kFieldBit0 + kFields.size() <= 32);

struct Key {
  uint32_t bit = 0;                 // 0: a key a later writer may add
  const FieldInfo* field = nullptr; // an integer field of the table
};

Key key_of(std::string_view k) {
  static const auto keys = [] {
    std::unordered_map<std::string_view, Key, NameHash> m{
        {"t", {kT}},   {"end", {kEnd}},   {"k", {kK}},           {"cpu", {kCpu}},    {"ctx", {kCtx}},
        {"fn", {kFn}}, {"hook", {kHook}}, {"reason", {kReason}}, {"trunc", {kTrunc}}};
    for (size_t i = 0; i < kFields.size(); ++i)
      m.emplace(kFields[i].key, Key{1u << (kFieldBit0 + i), &kFields[i]});
    return m;
  }();
  auto it = keys.find(k);
  return it == keys.end() ? Key{} : it->second;
}

// Deepest nesting of arrays and objects in a JSON text, without parsing it (strings skipped).
int json_depth(std::string_view s) {
  int depth = 0, deepest = 0;
  bool in_string = false;
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (in_string) {
      if (c == '\\')
        ++i;
      else if (c == '"')
        in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      deepest = std::max(deepest, ++depth);
    } else if (c == '}' || c == ']') {
      --depth;
    }
  }
  return deepest;
}

} // namespace

struct EventParser::Impl {
  od::parser parser;
};

EventParser::EventParser(TraceLimits limits) : impl_(std::make_unique<Impl>()), limits_(limits) {}
EventParser::~EventParser() = default;

EventParser::Line EventParser::parse(std::string_view line, Event& e) {
  try {
    return parse_fields(line, e);
  } catch (const TraceError&) {
    // The end object holds keys an event may not (nested counters): recognise it by its kind.
    if (line.find("\"k\":\"end\"") != std::string_view::npos) return Line::End;
    throw;
  }
}

EventParser::Line EventParser::parse_fields(std::string_view line, Event& e) {
  while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.remove_suffix(1);
  if (line.empty()) return Line::Blank;
  if (line.size() > kMaxLineBytes) throw TraceError("a line longer than 64 MiB (expected one event)");
  od::document doc;
  od::object obj;
  if (impl_->parser
          .iterate(simdjson::padded_string_view(line.data(), line.size(), line.size() + kParsePadding))
          .get(doc) ||
      doc.get_object().get(obj))
    throw TraceError("not a JSON object");

  e = Event{};
  auto min_of = [](FieldRange r) { return r == FieldRange::Signed ? -kMaxValue : int64_t{0}; };
  auto max_of = [this](FieldRange r) -> int64_t {
    switch (r) {
    case FieldRange::Count:
    case FieldRange::Signed:
      return kMaxValue; // a budget left can be negative: charged after the poll
    case FieldRange::Index:
      return kMaxIndex;
    case FieldRange::Time:
      return kMaxTime;
    case FieldRange::Socket:
      return limits_.sockets >= 0 ? limits_.sockets - 1 : kMaxIndex;
    case FieldRange::Receiver:
      return limits_.receivers >= 0 ? limits_.receivers - 1 : kMaxIndex;
    }
    return kMaxValue;
  };
  uint32_t seen = 0;
  bool have_ctx = false, have_fn = false;
  std::string_view reason_name, hook_name;
  for (auto field_result : obj) {
    od::field field;
    std::string_view key;
    if (std::move(field_result).get(field) || field.unescaped_key().get(key))
      throw TraceError("not a JSON object");
    od::value v = field.value();
    const Key kb = key_of(key);
    const uint32_t bit = kb.bit;
    if (bit == 0) continue; // a key a later writer may add: skipped
    if (seen & bit) bad_key(key, "given twice");
    seen |= bit;
    if (kb.field) {
      e.*kb.field->member = read_int(v, key, min_of(kb.field->range), max_of(kb.field->range));
      continue;
    }
    switch (bit) {
    case kT:
      e.t = read_int(v, key, 0, kMaxTime);
      break;
    case kEnd:
      e.end = read_int(v, key, 0, kMaxTime);
      break;
    case kK: {
      const auto s = read_string(v, key, "a kind (span|stage|drop|deliver|instant)");
      if (s == "end") return Line::End;
      auto k = kind_from_string(s);
      if (!k) bad_key(key, "unknown value \"" + quote(s) + "\" (expected span|stage|drop|deliver|instant)");
      e.kind = *k;
      break;
    }
    case kCpu:
      e.cpu = static_cast<int32_t>(read_int(v, key, -1, limits_.cpus - 1));
      break;
    case kCtx: {
      const auto s = read_string(v, key, "a context");
      auto c = ctx_from_string(s);
      if (!c)
        bad_key(key, "unknown value \"" + quote(s) + "\" (expected nic|hardirq|softirq|ksoftirqd|process)");
      e.ctx = *c, have_ctx = true;
      break;
    }
    case kFn: {
      const auto s = read_string(v, key, "a kernel function name");
      auto it = fn_names().find(s);
      if (it == fn_names().end())
        bad_key(key, "unknown value \"" + quote(s) +
                         "\" (expected a kernel function name from the header's "
                         "\"functions\")");
      e.fn = it->second, have_fn = true;
      break;
    }
    case kHook:
      hook_name = read_string(v, key, "PRE_ROUTING or LOCAL_IN");
      if (hook_name == "PRE_ROUTING")
        e.hook = Hook::PreRouting;
      else if (hook_name == "LOCAL_IN")
        e.hook = Hook::LocalIn;
      else
        bad_key(key, "expected PRE_ROUTING or LOCAL_IN, found \"" + quote(hook_name) + "\"");
      break;
    case kReason: {
      reason_name = read_string(v, key, "a drop reason");
      auto r = drop_reason_from_string(reason_name);
      if (!r || *r == DropReason::None)
        bad_key(key, "unknown value \"" + quote(reason_name) + "\" (expected a drop reason)");
      e.reason = *r;
      break;
    }
    case kTrunc:
      if (v.get_bool().get(e.trunc)) bad_key(key, "expected true or false, " + found(v));
      break;
    }
  }
  if (const char* more = nullptr; !doc.current_location().get(more))
    throw TraceError("not a JSON object (text after the closing brace)");
  if (!(seen & kK)) throw TraceError("missing key \"k\" (expected span|stage|drop|deliver|instant)");
  if (!have_ctx) throw TraceError("missing key \"ctx\" (expected nic|hardirq|softirq|ksoftirqd|process)");
  if (!have_fn) throw TraceError("missing key \"fn\" (expected a kernel function name)");
  if (!(seen & kT)) throw TraceError("missing key \"t\" (expected an integer)");
  if (!(seen & kCpu)) throw TraceError("missing key \"cpu\" (expected an integer)");
  if (e.kind == Kind::Span) {
    if (!(seen & kEnd)) throw TraceError("missing key \"end\" (expected an integer)");
    if (e.end < e.t)
      throw TraceError("key \"end\": " + std::to_string(e.end) + " is before the span's \"t\" " +
                       std::to_string(e.t));
  }
  if ((e.kind == Kind::Stage || e.kind == Kind::Drop || e.kind == Kind::Deliver) && e.pkt == kUnset)
    throw TraceError("missing key \"pkt\" (expected an integer)");
  if (e.kind == Kind::Drop && !(seen & kReason)) throw TraceError("key \"reason\": expected a drop reason");
  // An instant may carry a reason too: a fragment dropped after its datagram had its fate.
  return Line::Event;
}

nlohmann::json parse_bounded_json(std::string_view text) {
  if (json_depth(text) > kMaxJsonDepth)
    throw TraceError("nested deeper than " + std::to_string(kMaxJsonDepth) + " levels");
  try {
    return nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception&) {
    throw TraceError("not a JSON object");
  }
}

nlohmann::json TraceReader::parse_header(std::string_view line, const std::string& where) {
  nlohmann::json h;
  try {
    h = parse_bounded_json(line);
  } catch (const TraceError& e) {
    throw TraceError(where + ": not an rxpath trace: the first line is " +
                     (std::string_view(e.what()) == "not a JSON object" ? "not a JSON object" : e.what()));
  }
  if (!h.is_object()) throw TraceError(where + ": not an rxpath trace: the first line is not a JSON object");
  auto f = h.find("format");
  if (f == h.end() || !f->is_string() || f->get_ref<const std::string&>() != kFormatName)
    throw TraceError(where + ": not an rxpath trace: the header has no \"format\": \"rxpath-trace\"");
  auto v = h.find("version");
  if (v == h.end() || !v->is_number_integer())
    throw TraceError(where + ": the header has no integer \"version\"");
  const int64_t version = v->get<int64_t>();
  if (version < kOldestSchemaVersion || version > kSchemaVersion)
    throw TraceError(where + ": schema version " + std::to_string(version) +
                     " is not supported (this build reads versions " + std::to_string(kOldestSchemaVersion) +
                     " to " + std::to_string(kSchemaVersion) + ")");
  auto c = h.find("cpus");
  if (c == h.end() || !c->is_number_integer() || c->get<int64_t>() < 1 || c->get<int64_t>() > kMaxCpus)
    throw TraceError(where + ": key \"cpus\": expected an integer 1.." + std::to_string(kMaxCpus) +
                     (c == h.end() ? std::string(", found nothing") : ", found " + quote(c->dump())));
  for (const char* key : {"sockets", "receivers", "functions"})
    if (auto a = h.find(key); a != h.end() && !a->is_array())
      throw TraceError(where + ": key \"" + key + "\": expected an array, found " + quote(a->dump()));
  return h;
}

TraceLimits TraceReader::limits_of(const nlohmann::json& header) {
  TraceLimits l;
  l.cpus = header.at("cpus").get<int>();
  if (auto a = header.find("sockets"); a != header.end()) l.sockets = static_cast<int>(a->size());
  if (auto a = header.find("receivers"); a != header.end()) l.receivers = static_cast<int>(a->size());
  return l;
}

TraceReader::TraceReader(std::string path) : path_(std::move(path)) {
  struct stat st {};
  if (::stat(path_.c_str(), &st) != 0) throw TraceError(path_ + ": cannot open the file");
  if (S_ISDIR(st.st_mode)) throw TraceError(path_ + ": is a directory (expected an rxpath trace file)");
  file_ = std::fopen(path_.c_str(), "rb");
  if (!file_) throw TraceError(path_ + ": cannot open the file");
  bytes_total_ = S_ISREG(st.st_mode) ? static_cast<int64_t>(st.st_size) : 0;
  buf_.resize(kBlockBytes + EventParser::kParsePadding);
  std::string_view line;
  bool complete = false;
  if (!next_line(line, complete) || line.empty()) fail("the file is empty (expected an rxpath trace header)");
  header_ = parse_header(line, path_ + ":1");
  events_offset_ = bytes_read();
  limits_ = limits_of(header_);
  cpus_ = limits_.cpus;
  parser_ = std::make_unique<EventParser>(limits_);
}

TraceReader::~TraceReader() {
  if (file_) std::fclose(file_);
}

void TraceReader::fail(const std::string& what) const {
  throw TraceError(path_ + ":" + std::to_string(line_no_) + ": " + what);
}

bool TraceReader::fill() {
  if (eof_) return false;
  if (pos_ > 0) {
    std::memmove(buf_.data(), buf_.data() + pos_, len_ - pos_);
    offset_ += static_cast<int64_t>(pos_);
    len_ -= pos_;
    pos_ = 0;
  }
  size_t room = buf_.size() - EventParser::kParsePadding;
  if (len_ == room) { // a line longer than the block
    if (room >= kMaxLineBytes) fail("a line longer than 64 MiB (expected one JSON object per line)");
    buf_.resize(2 * room + EventParser::kParsePadding);
    room = buf_.size() - EventParser::kParsePadding;
  }
  const size_t n = std::fread(buf_.data() + len_, 1, room - len_, file_);
  if (n == 0) {
    if (std::ferror(file_)) fail(std::string("cannot read the file: ") + std::strerror(errno));
    eof_ = true;
    return false;
  }
  len_ += n;
  return true;
}

bool TraceReader::next_line(std::string_view& line, bool& complete) {
  size_t scanned = pos_;
  for (;;) {
    const char* begin = buf_.data() + scanned;
    if (const void* nl = std::memchr(begin, '\n', len_ - scanned)) {
      const size_t at = static_cast<size_t>(static_cast<const char*>(nl) - buf_.data());
      line = std::string_view(buf_.data() + pos_, at - pos_);
      pos_ = at + 1;
      complete = true;
      ++line_no_;
      return true;
    }
    const size_t unread = len_ - pos_;
    if (!fill()) {
      if (unread == 0 && len_ == pos_) return false;
      line = std::string_view(buf_.data() + pos_, len_ - pos_);
      pos_ = len_;
      complete = false;
      ++line_no_;
      return true;
    }
    scanned = pos_ + unread; // the bytes moved to the front were searched already
  }
}

Event TraceReader::parse_event(const nlohmann::json& j, const std::string& where) {
  // The same checks as the streaming path: parse the event's text.
  std::string text = j.dump();
  text.append(EventParser::kParsePadding, ' ');
  EventParser p(TraceLimits{kMaxCpus, -1, -1});
  Event e;
  try {
    if (p.parse(std::string_view(text.data(), text.size() - EventParser::kParsePadding), e) !=
        EventParser::Line::Event)
      throw TraceError("not an event");
  } catch (const TraceError& err) {
    throw TraceError(where + ": " + err.what());
  }
  return e;
}

bool TraceReader::next(Event& e) {
  std::string_view line;
  bool complete = false;
  while (!done_) {
    if (!next_line(line, complete)) {
      done_ = true;
      truncated_ = true; // no end object
      return false;
    }
    EventParser::Line kind;
    try {
      kind = parser_->parse(line, e);
    } catch (const TraceError& err) {
      if (!complete) { // the last line was cut short: stop at the last full event
        done_ = true;
        truncated_ = true;
        return false;
      }
      fail(err.what());
    }
    if (kind == EventParser::Line::Blank) continue;
    if (kind == EventParser::Line::End) {
      try {
        end_ = parse_bounded_json(line);
      } catch (const TraceError& err) {
        if (!complete) {
          done_ = true;
          truncated_ = true;
          return false;
        }
        fail(std::string("the end object: ") + err.what());
      }
      done_ = true;
      return false;
    }
    last_event_line_ = line_no_;
    return true;
  }
  return false;
}

} // namespace rxpath::trace
