#include "TraceReader.hpp"

#include "EventParse.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <array>
#include <atomic>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif
#include <cassert>
#include <cstdlib>
#include <cstring>

namespace rxpath::trace {
using namespace detail;
namespace {

constexpr size_t kBlockBytes = 1u << 20;

// A value quoted in an error, cut so that a 100 MB string is not echoed whole.
std::string quote(std::string_view s) {
  constexpr size_t kMax = 40;
  return s.size() <= kMax ? std::string(s) : std::string(s.substr(0, kMax)) + "…";
}

} // namespace

namespace detail {

// Function names by any kernel version's spelling.
const NameTable<Fn, 512>& fn_names() {
  static const auto* names = [] {
    auto* m = new NameTable<Fn, 512>;
    for (size_t i = 0; i < static_cast<size_t>(Fn::Count_); ++i) {
      const auto f = static_cast<Fn>(i);
      m->add(info(f, Profile::Linux3_19).name, f);
      m->add(info(f, Profile::Linux6_18).name, f);
    }
    return m;
  }();
  return *names;
}

const NameTable<Key, 128>& keys() {
  static const auto* keys = [] {
    auto* m = new NameTable<Key, 128>;
    for (const auto& [name, bit] : {std::pair<std::string_view, uint32_t>{"t", kT},
                                    {"end", kEnd},
                                    {"k", kK},
                                    {"cpu", kCpu},
                                    {"ctx", kCtx},
                                    {"fn", kFn},
                                    {"hook", kHook},
                                    {"reason", kReason},
                                    {"trunc", kTrunc},
                                    {"why", kWhy}})
      m->add(name, Key{bit});
    for (size_t i = 0; i < kFields.size(); ++i)
      m->add(kFields[i].key, Key{1u << (kFieldBit0 + i), &kFields[i]});
    return m;
  }();
  return *keys;
}

template <typename T, size_t kSlots>
NameTable<T, kSlots> names_of(size_t count) {
  NameTable<T, kSlots> m;
  for (size_t i = 0; i < count; ++i) m.add(to_string(static_cast<T>(i)), static_cast<T>(i));
  return m;
}

const NameTable<Kind, 32>& kinds() {
  static const auto m = names_of<Kind, 32>(static_cast<size_t>(Kind::Instant) + 1);
  return m;
}
const NameTable<Ctx, 32>& contexts() {
  static const auto m = names_of<Ctx, 32>(static_cast<size_t>(Ctx::Process) + 1);
  return m;
}
const NameTable<DropReason, 128>& reasons() {
  static const auto m = names_of<DropReason, 128>(static_cast<size_t>(DropReason::Count_));
  return m;
}

} // namespace detail

namespace {

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

// Which copy of EventParse.cpp the parsers use; read once from the CPU (or RXPATH_PARSE).
enum class ParseImpl { Unset, Portable, Haswell };
std::atomic<ParseImpl> chosen_impl{ParseImpl::Unset};

bool cpu_has_haswell() {
#if defined(RXPATH_PARSE_HASWELL) && (defined(__x86_64__) || defined(__i386__))
  __builtin_cpu_init();
  // LZCNT (ABM) is CPUID 0x80000001 ECX bit 5; clang's __builtin_cpu_supports has no name for it.
  unsigned a = 0, b = 0, c = 0, d = 0;
  const bool lzcnt = __get_cpuid(0x80000001, &a, &b, &c, &d) && (c & (1u << 5)) != 0;
  return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("bmi") && __builtin_cpu_supports("bmi2") &&
         __builtin_cpu_supports("pclmul") && lzcnt;
#else
  return false;
#endif
}

ParseImpl current_impl() {
  ParseImpl i = chosen_impl.load(std::memory_order_relaxed);
  if (i != ParseImpl::Unset) return i;
  const char* env = std::getenv("RXPATH_PARSE");
  if (!(env && set_parse_implementation(env)))
    set_parse_implementation(cpu_has_haswell() ? "haswell" : "portable");
  return chosen_impl.load(std::memory_order_relaxed);
}

} // namespace

namespace detail {

ParseBackend::~ParseBackend() = default;

Key key_of(std::string_view k) {
  const Key* key = keys().find(k);
  return key ? *key : Key{};
}

const Fn* fn_of(std::string_view name) {
  return fn_names().find(name);
}

int64_t min_of(FieldRange r) {
  return r == FieldRange::Signed ? -kMaxValue : int64_t{0};
}

int64_t max_of(FieldRange r, const TraceLimits& limits) {
  switch (r) {
  case FieldRange::Count:
  case FieldRange::Signed:
    return kMaxValue; // a budget left can be negative: charged after the poll
  case FieldRange::Index:
    return kMaxIndex;
  case FieldRange::Time:
    return kMaxTime;
  case FieldRange::Socket:
    return limits.sockets >= 0 ? limits.sockets - 1 : kMaxIndex;
  case FieldRange::Receiver:
    return limits.receivers >= 0 ? limits.receivers - 1 : kMaxIndex;
  case FieldRange::Task:
    return limits.tasks >= 0 ? limits.tasks - 1 : kMaxIndex;
  }
  return kMaxValue;
}

namespace {
std::string found_text(Found f) {
  return "found " + (f.scalar ? quote(f.text) : std::string(f.text));
}
} // namespace

void bad_key(std::string_view key, std::string_view what) {
  throw TraceError("key \"" + std::string(key) + "\": " + std::string(what));
}
void bad_int(std::string_view key, int64_t lo, int64_t hi, Found found) {
  bad_key(key,
          "expected an integer " + std::to_string(lo) + ".." + std::to_string(hi) + ", " + found_text(found));
}
void bad_type(std::string_view key, std::string_view expected, Found found) {
  bad_key(key, "expected " + std::string(expected) + ", " + found_text(found));
}
void bad_name(std::string_view key, std::string_view value, std::string_view expected) {
  bad_key(key, "unknown value \"" + quote(value) + "\" (expected " + std::string(expected) + ")");
}
void bad_hook(std::string_view value) {
  bad_key("hook", "expected PRE_ROUTING or LOCAL_IN, found \"" + quote(value) + "\"");
}
void bad_line(const char* what) {
  throw TraceError(what);
}
bool event_complete(uint32_t seen, const Event& e, bool throw_it) {
  const char* missing = nullptr;
  if (!(seen & kK))
    missing = "missing key \"k\" (expected span|stage|drop|deliver|instant)";
  else if (!(seen & kCtx))
    missing = "missing key \"ctx\" (expected nic|hardirq|softirq|ksoftirqd|process)";
  else if (!(seen & kFn))
    missing = "missing key \"fn\" (expected a kernel function name)";
  else if (!(seen & kT))
    missing = "missing key \"t\" (expected an integer)";
  else if (!(seen & kCpu))
    missing = "missing key \"cpu\" (expected an integer)";
  else if (e.kind == Kind::Span && !(seen & kEnd))
    missing = "missing key \"end\" (expected an integer)";
  else if (e.kind == Kind::Span && e.end < e.t) {
    if (!throw_it) return false;
    throw TraceError("key \"end\": " + std::to_string(e.end) + " is before the span's \"t\" " +
                     std::to_string(e.t));
  } else if ((e.kind == Kind::Stage || e.kind == Kind::Drop || e.kind == Kind::Deliver) && e.pkt == kUnset)
    missing = "missing key \"pkt\" (expected an integer)";
  else if (e.kind == Kind::Drop && !(seen & kReason))
    missing = "key \"reason\": expected a drop reason";
  else if (e.fn == Fn::Schedule && (e.prev == kUnset || e.next == kUnset || !(seen & kWhy)))
    missing = "a __schedule event needs \"prev\", \"next\" and \"why\" (sleep|wakeup|tick|exit)";
  else if (e.fn == Fn::TryToWakeUp && e.task == kUnset)
    missing = "missing key \"task\" (expected the woken task's index)";
  // An instant may carry a reason too: a fragment dropped after its datagram had its fate.
  if (missing && throw_it) throw TraceError(missing);
  return !missing;
}

} // namespace detail

std::string_view parse_implementation() {
  return current_impl() == ParseImpl::Haswell ? "haswell" : "portable";
}

bool set_parse_implementation(std::string_view name) {
  if (name == "portable") {
    chosen_impl.store(ParseImpl::Portable);
    return true;
  }
  if (name == "haswell" && cpu_has_haswell()) {
    chosen_impl.store(ParseImpl::Haswell);
    return true;
  }
  return false;
}

namespace {
std::atomic<int> scanner_on{-1}; // -1: not read from RXPATH_PARSE_SCAN yet
} // namespace

bool parse_scanner() {
  if (int on = scanner_on.load(std::memory_order_relaxed); on >= 0) return on;
  const char* env = std::getenv("RXPATH_PARSE_SCAN");
  set_parse_scanner(!(env && std::string_view(env) == "0"));
  return scanner_on.load(std::memory_order_relaxed);
}

void set_parse_scanner(bool on) {
  scanner_on.store(on ? 1 : 0);
}

struct EventParser::Impl {
  std::unique_ptr<ParseBackend> backend;
  bool scan = true;
};

EventParser::EventParser(TraceLimits limits) : impl_(std::make_unique<Impl>()), limits_(limits) {
#ifdef RXPATH_PARSE_HASWELL
  if (current_impl() == ParseImpl::Haswell) impl_->backend = detail::haswell::make_backend();
#endif
  if (!impl_->backend) impl_->backend = detail::portable::make_backend();
  impl_->scan = parse_scanner();
}
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
  if (Line kind; impl_->scan && scan_event(line, e, limits_, kind)) return kind;
  return impl_->backend->parse_fields(line, e, limits_);
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
  for (const char* key : {"sockets", "receivers", "tasks", "functions"})
    if (auto a = h.find(key); a != h.end() && !a->is_array())
      throw TraceError(where + ": key \"" + key + "\": expected an array, found " + quote(a->dump()));
  return h;
}

TraceLimits TraceReader::limits_of(const nlohmann::json& header) {
  TraceLimits l;
  l.cpus = header.at("cpus").get<int>();
  if (auto a = header.find("sockets"); a != header.end()) l.sockets = static_cast<int>(a->size());
  if (auto a = header.find("receivers"); a != header.end()) l.receivers = static_cast<int>(a->size());
  if (auto a = header.find("tasks"); a != header.end()) l.tasks = static_cast<int>(a->size());
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
