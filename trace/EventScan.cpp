// The fast path of the event parse (EventParse.hpp): a scanner for the lines the trace writer
// writes, a flat JSON object of integers, plain strings and booleans without whitespace. It
// decides only lines it reads completely and finds valid; anything else (whitespace, escapes,
// non-ASCII bytes, floats, nesting, a value out of range, a missing key) it leaves to simdjson's
// parse, which reads the line again and names the problem. So both paths accept the same lines
// and give the same events, and every error message comes from one place.
#include "EventParse.hpp"

namespace rxpath::trace::detail {
namespace {

class Scanner {
public:
  explicit Scanner(std::string_view s) : p_(s.data()), end_(s.data() + s.size()) {}

  bool eat(char c) {
    if (p_ == end_ || *p_ != c) return false;
    ++p_;
    return true;
  }
  bool at_end() const { return p_ == end_; }
  char peek() const { return p_ == end_ ? '\0' : *p_; }

  // A string of printable ASCII without escapes (its quotes consumed).
  bool string(std::string_view& out) {
    if (!eat('"')) return false;
    const char* begin = p_;
    for (; p_ != end_; ++p_) {
      const auto c = static_cast<unsigned char>(*p_);
      if (c == '"') {
        out = std::string_view(begin, static_cast<size_t>(p_ - begin));
        ++p_;
        return true;
      }
      if (c < 0x20 || c >= 0x80 || c == '\\') return false;
    }
    return false;
  }

  // An integer as JSON writes it (no leading zero, no fraction or exponent), of at most 18 digits.
  bool integer(int64_t& out) {
    const bool neg = eat('-');
    const char* begin = p_;
    int64_t v = 0;
    while (p_ != end_ && *p_ >= '0' && *p_ <= '9') v = v * 10 + (*p_++ - '0');
    const auto digits = p_ - begin;
    if (digits == 0 || digits > 18 || (digits > 1 && *begin == '0') || (neg && v == 0)) return false;
    if (p_ != end_ && (*p_ == '.' || *p_ == 'e' || *p_ == 'E')) return false;
    out = neg ? -v : v;
    return true;
  }

  bool literal(std::string_view word) {
    if (static_cast<size_t>(end_ - p_) < word.size() || !same_name(std::string_view(p_, word.size()), word))
      return false;
    p_ += word.size();
    return true;
  }

  // Any scalar value (a key the reader does not know: skipped).
  bool skip_value() {
    std::string_view s;
    int64_t i = 0;
    const char c = peek();
    if (c == '"') return string(s);
    if (c == 't') return literal("true");
    if (c == 'f') return literal("false");
    if (c == 'n') return literal("null");
    return integer(i);
  }

private:
  const char* p_;
  const char* end_;
};

} // namespace

bool scan_event(std::string_view line, Event& e, const TraceLimits& limits, EventParser::Line& kind) {
  const auto& key_names = keys();
  const auto& fns = fn_names();
  Scanner in(line);
  if (!in.eat('{')) return false;
  e = Event{};
  uint32_t seen = 0;
  bool first = true;
  while (!in.eat('}')) {
    if (!first && !in.eat(',')) return false;
    first = false;
    std::string_view key;
    if (!in.string(key) || !in.eat(':')) return false;
    const Key* found = key_names.find(key);
    const Key kb = found ? *found : Key{};
    if (kb.bit == 0) {
      if (!in.skip_value()) return false;
      continue;
    }
    if (seen & kb.bit) return false;
    seen |= kb.bit;
    int64_t v = 0;
    std::string_view s;
    auto int_in = [&](int64_t lo, int64_t hi) { return in.integer(v) && v >= lo && v <= hi; };
    if (kb.field) {
      if (!int_in(min_of(kb.field->range), max_of(kb.field->range, limits))) return false;
      e.*kb.field->member = v;
      continue;
    }
    switch (kb.bit) {
    case kT:
      if (!int_in(0, kMaxTime)) return false;
      e.t = v;
      break;
    case kEnd:
      if (!int_in(0, kMaxTime)) return false;
      e.end = v;
      break;
    case kK: {
      if (!in.string(s)) return false;
      const Kind* k = kinds().find(s); // not "end": the end object's nested counters, read elsewhere
      if (!k) return false;
      e.kind = *k;
      break;
    }
    case kCpu:
      if (!int_in(-1, limits.cpus - 1)) return false;
      e.cpu = static_cast<int32_t>(v);
      break;
    case kCtx: {
      const Ctx* c = in.string(s) ? contexts().find(s) : nullptr;
      if (!c) return false;
      e.ctx = *c;
      break;
    }
    case kFn: {
      const Fn* f = in.string(s) ? fns.find(s) : nullptr;
      if (!f) return false;
      e.fn = *f;
      break;
    }
    case kHook:
      if (!in.string(s)) return false;
      if (same_name(s, "PRE_ROUTING"))
        e.hook = Hook::PreRouting;
      else if (same_name(s, "LOCAL_IN"))
        e.hook = Hook::LocalIn;
      else
        return false;
      break;
    case kReason: {
      const DropReason* r = in.string(s) ? reasons().find(s) : nullptr;
      if (!r || *r == DropReason::None) return false;
      e.reason = *r;
      break;
    }
    case kWhy: {
      if (!in.string(s)) return false;
      const auto w = switch_why_from_string(s);
      if (!w) return false;
      e.why = *w;
      break;
    }
    case kTrunc:
      if (in.literal("true"))
        e.trunc = true;
      else if (!in.literal("false"))
        return false;
      break;
    default:
      return false;
    }
  }
  // What the full parse would refuse, it refuses itself (with the message).
  if (!in.at_end()) return false;
  if (!event_complete(seen, e, false)) return false;
  kind = EventParser::Line::Event;
  return true;
}

} // namespace rxpath::trace::detail
