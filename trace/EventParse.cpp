// The on-demand parse of one event line (see EventParse.hpp). This file is compiled twice, with
// RXPATH_PARSE_NS=portable and baseline flags, and with RXPATH_PARSE_NS=haswell and
// -mavx2 -mbmi -mbmi2 -mpclmul -mlzcnt, under which simdjson's builtin on-demand implementation
// (the only one its 3.0 headers compile) is simdjson::haswell instead of simdjson::fallback.
// Everything defined here is in namespace RXPATH_PARSE_NS or simdjson's implementation namespace,
// so the two copies share no symbol; shared code is called out of line (EventParse.hpp).
#include "EventParse.hpp"

#include <simdjson.h>

#ifndef RXPATH_PARSE_NS
#error "compile with RXPATH_PARSE_NS=portable or haswell (trace/CMakeLists.txt)"
#endif
#define RXPATH_STR2(x) #x
#define RXPATH_STR(x) RXPATH_STR2(x)
static_assert(std::string_view(RXPATH_STR(RXPATH_PARSE_NS)) != "haswell" ||
                  std::string_view(RXPATH_STR(SIMDJSON_BUILTIN_IMPLEMENTATION)) == "haswell",
              "the haswell copy needs the Haswell flags (trace/CMakeLists.txt)");

namespace rxpath::trace::detail::RXPATH_PARSE_NS {
namespace {

namespace od = simdjson::SIMDJSON_BUILTIN_IMPLEMENTATION::ondemand;

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

// The raw text of a scalar, the type's name otherwise.
Found found(od::value& v) {
  od::json_type t;
  if (!v.type().get(t) && t != od::json_type::array && t != od::json_type::object) {
    std::string_view raw = v.raw_json_token();
    while (!raw.empty() && (raw.back() == ' ' || raw.back() == '\t')) raw.remove_suffix(1);
    return {raw, true};
  }
  return {type_name(v), false};
}

int64_t read_int(od::value& v, std::string_view key, int64_t lo, int64_t hi) {
  int64_t x = 0;
  if (v.get_int64().get(x) || x < lo || x > hi) bad_int(key, lo, hi, found(v));
  return x;
}

std::string_view read_string(od::value& v, std::string_view key, std::string_view expected) {
  std::string_view s;
  if (v.get_string().get(s)) bad_type(key, expected, found(v));
  return s;
}

class Backend final : public ParseBackend {
public:
  EventParser::Line parse_fields(std::string_view line, Event& e, const TraceLimits& limits) override;

private:
  od::parser parser_;
};

EventParser::Line Backend::parse_fields(std::string_view line, Event& e, const TraceLimits& limits) {
  od::document doc;
  od::object obj;
  if (parser_
          .iterate(simdjson::padded_string_view(line.data(), line.size(),
                                                line.size() + EventParser::kParsePadding))
          .get(doc) ||
      doc.get_object().get(obj))
    bad_line("not a JSON object");

  e = Event{};
  uint32_t seen = 0;
  for (auto field_result : obj) {
    od::field field;
    std::string_view key;
    if (std::move(field_result).get(field) || field.unescaped_key().get(key)) bad_line("not a JSON object");
    od::value v = field.value();
    const Key kb = key_of(key);
    const uint32_t bit = kb.bit;
    if (bit == 0) continue; // a key a later writer may add: skipped
    if (seen & bit) bad_key(key, "given twice");
    seen |= bit;
    if (kb.field) {
      e.*kb.field->member = read_int(v, key, min_of(kb.field->range), max_of(kb.field->range, limits));
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
      if (s == "end") return EventParser::Line::End;
      auto k = kind_from_string(s);
      if (!k) bad_name(key, s, "span|stage|drop|deliver|instant");
      e.kind = *k;
      break;
    }
    case kCpu:
      e.cpu = static_cast<int32_t>(read_int(v, key, -1, limits.cpus - 1));
      break;
    case kCtx: {
      const auto s = read_string(v, key, "a context");
      auto c = ctx_from_string(s);
      if (!c) bad_name(key, s, "nic|hardirq|softirq|ksoftirqd|process");
      e.ctx = *c;
      break;
    }
    case kFn: {
      const auto s = read_string(v, key, "a kernel function name");
      const Fn* f = fn_of(s);
      if (!f) bad_name(key, s, "a kernel function name from the header's \"functions\"");
      e.fn = *f;
      break;
    }
    case kHook: {
      const auto s = read_string(v, key, "PRE_ROUTING or LOCAL_IN");
      if (s == "PRE_ROUTING")
        e.hook = Hook::PreRouting;
      else if (s == "LOCAL_IN")
        e.hook = Hook::LocalIn;
      else
        bad_hook(s);
      break;
    }
    case kReason: {
      const auto s = read_string(v, key, "a drop reason");
      auto r = drop_reason_from_string(s);
      if (!r || *r == DropReason::None) bad_name(key, s, "a drop reason");
      e.reason = *r;
      break;
    }
    case kWhy: {
      const auto s = read_string(v, key, "sleep|wakeup|tick|exit");
      auto w = switch_why_from_string(s);
      if (!w) bad_name(key, s, "sleep|wakeup|tick|exit");
      e.why = *w;
      break;
    }
    case kTrunc:
      if (v.get_bool().get(e.trunc)) bad_type(key, "true or false", found(v));
      break;
    }
  }
  if (const char* more = nullptr; !doc.current_location().get(more))
    bad_line("not a JSON object (text after the closing brace)");
  event_complete(seen, e, true);
  return EventParser::Line::Event;
}

} // namespace

std::unique_ptr<ParseBackend> make_backend() {
  return std::make_unique<Backend>();
}

} // namespace rxpath::trace::detail::RXPATH_PARSE_NS
