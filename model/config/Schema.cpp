#include "Schema.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>

namespace rxpath::model {

std::string shorten(std::string_view s, size_t max) {
  if (s.size() <= max) return std::string(s);
  size_t cut = max;
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut; // not inside a character
  return std::string(s.substr(0, cut)) + "… (" + std::to_string(s.size()) + " bytes)";
}

std::string in_quotes(std::string_view s) {
  return "\"" + shorten(s, 60) + "\"";
}

Schema::Schema(const nlohmann::json* src, std::string path, const std::string& file)
    : src_(src), path_(std::move(path)), file_(file) {
  if (src_ && src_->is_null()) src_ = nullptr;
}

Schema::Schema(std::vector<ParamDoc>* docs, std::string path) : path_(std::move(path)), docs_(docs) {}

std::string Schema::type_name(const nlohmann::json& j) {
  switch (j.type()) {
  case nlohmann::json::value_t::null:
    return "null";
  case nlohmann::json::value_t::boolean:
    return "a boolean (" + j.dump() + ")";
  case nlohmann::json::value_t::number_integer:
  case nlohmann::json::value_t::number_unsigned:
    return "an integer (" + j.dump() + ")";
  case nlohmann::json::value_t::number_float:
    return "a number (" + j.dump() + ")";
  case nlohmann::json::value_t::string:
    return "a string (" + in_quotes(j.get_ref<const std::string&>()) + ")";
  case nlohmann::json::value_t::array:
    return "an array";
  case nlohmann::json::value_t::object:
    return "an object";
  default:
    return "something else";
  }
}

std::string Schema::path_of(const std::string& key) const {
  // Sysctl names contain dots: quote them so the path stays unambiguous.
  const bool dotted = key.find('.') != std::string::npos;
  std::string k = dotted ? "\"" + key + "\"" : key;
  if (path_.empty()) return k;
  return path_ + "." + k;
}

void Schema::fail(const std::string& key, const std::string& what) const {
  throw ScenarioError(file_, path_of(key), what);
}

void Schema::fail_here(const std::string& what) const {
  throw ScenarioError(file_, path_, what);
}

const nlohmann::json* Schema::find(const char* key, const char*, const char*) {
  known_.emplace_back(key);
  if (!src_) return nullptr;
  auto it = src_->find(key);
  return it == src_->end() ? nullptr : &*it;
}

void Schema::doc(const char* key, const std::string& type, const std::string& dflt, const std::string& range,
                 const char* desc) {
  docs_->push_back({path_of(key), type, dflt, range, desc});
}

Schema Schema::child(const std::string& key, const char* desc, const char* type) {
  if (!reading()) {
    docs_->push_back({path_of(key), type, "", "", desc});
    return Schema(docs_, path_of(key));
  }
  const nlohmann::json* j = find(key.c_str(), type, desc);
  if (j && !j->is_object()) fail(key, std::string("expected an object, found ") + type_name(*j));
  return Schema(j, path_of(key), file_);
}

namespace {
std::string fmt_double(double v) {
  std::ostringstream o;
  o << v;
  return o.str();
}
} // namespace

void Schema::integer(const char* key, int64_t& v, int64_t lo, int64_t hi, const char* desc) {
  if (!reading())
    return doc(key, "integer", std::to_string(v), std::to_string(lo) + " … " + std::to_string(hi), desc);
  if (const auto* j = find(key, "integer", desc)) {
    if (j->is_number_float() && std::floor(j->get<double>()) == j->get<double>() &&
        std::abs(j->get<double>()) < 9e15)
      v = static_cast<int64_t>(j->get<double>());
    else if (j->is_number_unsigned() && j->get<uint64_t>() > uint64_t(std::numeric_limits<int64_t>::max()))
      fail(key, "value " + j->dump() + " is out of range (expected " + std::to_string(lo) + " … " +
                    std::to_string(hi) + ")");
    else if (j->is_number_integer())
      v = j->get<int64_t>();
    else
      fail(key, "expected an integer, found " + type_name(*j));
    if (v < lo || v > hi)
      fail(key, "value " + std::to_string(v) + " is out of range (expected " + std::to_string(lo) + " … " +
                    std::to_string(hi) + ")");
  }
  resolved_[key] = v;
}

void Schema::spread(const char* key, int64_t& median, int64_t& p99, int64_t lo, int64_t hi,
                    const char* desc) {
  if (!reading())
    return doc(key, "integer or {median, p99}", std::to_string(median),
               std::to_string(lo) + " … " + std::to_string(hi), desc);
  const auto it = src_ ? src_->find(key) : nlohmann::json::const_iterator{};
  if (!src_ || it == src_->end() || !it->is_object()) {
    p99 = 0;
    if (src_ && it != src_->end() && !it->is_number())
      fail(key, "expected an integer or {\"median\": integer, \"p99\": integer}, found " + type_name(*it));
    return integer(key, median, lo, hi, desc);
  }
  known_.emplace_back(key);
  Schema sub(&*it, path_of(key), file_);
  sub.integer("median", median, lo, hi, "");
  p99 = median;
  sub.integer("p99", p99, lo, hi, "");
  sub.finish();
  if (p99 < median)
    sub.fail("p99",
             "expected at least the median " + std::to_string(median) + ", found " + std::to_string(p99));
  if (median == 0 && p99 > 0) sub.fail("median", "expected more than 0 when p99 is more than 0");
  resolved_[key] = {{"median", median}, {"p99", p99}};
}

void Schema::number(const char* key, double& v, double lo, double hi, const char* desc) {
  if (!reading()) return doc(key, "number", fmt_double(v), fmt_double(lo) + " … " + fmt_double(hi), desc);
  if (const auto* j = find(key, "number", desc)) {
    if (!j->is_number()) fail(key, "expected a number, found " + type_name(*j));
    v = j->get<double>();
    if (!(v >= lo && v <= hi))
      fail(key, "value " + fmt_double(v) + " is out of range (expected " + fmt_double(lo) + " … " +
                    fmt_double(hi) + ")");
  }
  resolved_[key] = v;
}

void Schema::boolean(const char* key, bool& v, const char* desc) {
  if (!reading()) return doc(key, "boolean", v ? "true" : "false", "", desc);
  if (const auto* j = find(key, "boolean", desc)) {
    if (j->is_boolean())
      v = j->get<bool>();
    else if (j->is_number_integer() && (j->get<int64_t>() == 0 || j->get<int64_t>() == 1))
      v = j->get<int64_t>() == 1;
    else
      fail(key, "expected true/false (or 0/1), found " + type_name(*j));
  }
  resolved_[key] = v;
}

void Schema::string(const char* key, std::string& v, const char* desc) {
  if (!reading()) return doc(key, "string", v.empty() ? "\"\"" : "\"" + v + "\"", "", desc);
  if (const auto* j = find(key, "string", desc)) {
    if (!j->is_string()) fail(key, "expected a string, found " + type_name(*j));
    v = j->get<std::string>();
  }
  resolved_[key] = v;
}

void Schema::choice(const char* key, std::string& v, const std::vector<std::string>& options,
                    const char* desc) {
  std::string all;
  for (const auto& o : options) all += (all.empty() ? "" : " | ") + o;
  if (!reading()) return doc(key, "string", "\"" + v + "\"", all, desc);
  if (const auto* j = find(key, "string", desc)) {
    // A number is not accepted for an option: 6.180 would read as "6.18". (`--set kernel=6.18`
    // arrives as a string: the loader types --set values by the schema.)
    if (!j->is_string()) fail(key, "expected one of " + all + " (a string), found " + type_name(*j));
    v = j->get<std::string>();
    if (std::find(options.begin(), options.end(), v) == options.end())
      fail(key, "unknown value " + in_quotes(v) + " (expected one of " + all + ")");
  }
  resolved_[key] = v;
}

void Schema::int_list(const char* key, std::vector<int64_t>& v, int64_t lo, int64_t hi, const char* desc) {
  if (!reading())
    return doc(key, "array of integers", "[]", std::to_string(lo) + " … " + std::to_string(hi), desc);
  if (const auto* j = find(key, "array", desc)) {
    if (!j->is_array()) fail(key, "expected an array of integers, found " + type_name(*j));
    v.clear();
    for (size_t i = 0; i < j->size(); ++i) {
      const auto& e = (*j)[i];
      const std::string at = std::string(key) + "[" + std::to_string(i) + "]";
      if (!e.is_number_integer()) fail(at, "expected an integer, found " + type_name(e));
      int64_t x = e.get<int64_t>();
      if (x < lo || x > hi)
        fail(at, "value " + std::to_string(x) + " is out of range (expected " + std::to_string(lo) + " … " +
                     std::to_string(hi) + ")");
      v.push_back(x);
    }
  }
  resolved_[key] = v;
}

void Schema::finish() {
  if (!reading() || !src_) return;
  for (auto it = src_->begin(); it != src_->end(); ++it) {
    if (std::find(known_.begin(), known_.end(), it.key()) != known_.end()) continue;
    std::string expected;
    for (const auto& k : known_) expected += (expected.empty() ? "" : ", ") + k;
    fail(it.key(), "unknown key (expected one of: " + expected + ")");
  }
}

} // namespace rxpath::model
