// One description of the scenario format serves three purposes: reading and validating a file,
// writing the resolved scenario back (every default filled in) and documenting every key.
// A visit function walks a struct's fields through a Schema; in Read mode the Schema checks each
// key's type and range and rejects unknown keys, naming the file and the JSON path.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <functional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace rxpath::model {

// `s` cut to `max` bytes (on a UTF-8 boundary) with a note of its full length, so that a message
// never echoes a 100 MB key whole.
std::string shorten(std::string_view s, size_t max);
// `s` in double quotes for a message, shortened to 60 bytes.
std::string in_quotes(std::string_view s);

// Bad user input in a scenario: names the file, the JSON path and what was expected.
class ScenarioError : public std::runtime_error {
public:
  ScenarioError(const std::string& file, const std::string& path, const std::string& what)
      : std::runtime_error(shorten(file, 300) + ": " + (path.empty() ? "" : shorten(path, 200) + ": ") +
                           shorten(what, 2000)),
        path_(path) {}
  // The JSON path of the key at fault ("nic.rss.indirection[3]"), or "" for the file as a whole.
  const std::string& path() const { return path_; }

private:
  std::string path_;
};

// A row of the scenario reference (docs/scenarios.md, `rxpath params`).
struct ParamDoc {
  std::string path;
  std::string type;
  std::string default_value;
  std::string range;
  std::string description;
};

class Schema {
public:
  // Read mode: validates `src` (an object or null = all defaults) at `path` of `file`.
  Schema(const nlohmann::json* src, std::string path, const std::string& file);
  // Doc mode: collects ParamDocs, reads nothing.
  explicit Schema(std::vector<ParamDoc>* docs, std::string path = "");

  void integer(const char* key, int64_t& v, int64_t lo, int64_t hi, const char* desc);
  void number(const char* key, double& v, double lo, double hi, const char* desc);
  // An integer, or an object {"median": integer, "p99": integer no less than it} (a spread
  // value; `p99` is 0 for a plain integer).
  void spread(const char* key, int64_t& median, int64_t& p99, int64_t lo, int64_t hi, const char* desc);
  void boolean(const char* key, bool& v, const char* desc);
  void string(const char* key, std::string& v, const char* desc);
  void choice(const char* key, std::string& v, const std::vector<std::string>& options, const char* desc);
  void int_list(const char* key, std::vector<int64_t>& v, int64_t lo, int64_t hi, const char* desc);

  // A nested object: `visit(Schema&, T&)` describes its fields.
  template <typename T, typename Visit>
  void object(const char* key, T& v, const char* desc, Visit visit) {
    Schema sub = child(key, desc, "object");
    visit(sub, v);
    sub.finish();
    if (reading()) resolved_[key] = std::move(sub.resolved_);
  }

  // An array of objects, each described by `visit`.
  template <typename T, typename Visit>
  void array(const char* key, std::vector<T>& v, const char* desc, Visit visit) {
    if (!reading()) {
      T dflt{};
      Schema sub = child(std::string(key) + "[]", desc, "array of objects");
      visit(sub, dflt);
      return;
    }
    const nlohmann::json* a = find(key, "array", desc);
    nlohmann::json out = nlohmann::json::array();
    if (a) {
      if (!a->is_array()) fail(key, "expected an array, found " + type_name(*a));
      v.clear();
      for (size_t i = 0; i < a->size(); ++i) {
        T item{};
        Schema sub(&(*a)[i], path_of(key) + "[" + std::to_string(i) + "]", file_);
        if (!(*a)[i].is_object()) sub.fail_here("expected an object, found " + type_name((*a)[i]));
        visit(sub, item);
        sub.finish();
        out.push_back(std::move(sub.resolved_));
        v.push_back(std::move(item));
      }
    }
    resolved_[key] = std::move(out);
  }

  // Fails at `key` of this object (for checks that involve several fields).
  [[noreturn]] void fail(const std::string& key, const std::string& what) const;
  [[noreturn]] void fail_here(const std::string& what) const;
  std::string path_of(const std::string& key) const;
  bool reading() const { return docs_ == nullptr; }
  bool has(const char* key) const { return src_ && src_->is_object() && src_->contains(key); }
  const nlohmann::json& resolved() const { return resolved_; }
  // Rejects keys that no field claimed.
  void finish();

  static std::string type_name(const nlohmann::json& j);

private:
  Schema child(const std::string& key, const char* desc, const char* type);
  const nlohmann::json* find(const char* key, const char* type, const char* desc);
  void doc(const char* key, const std::string& type, const std::string& dflt, const std::string& range,
           const char* desc);

  const nlohmann::json* src_ = nullptr;
  std::string path_;
  std::string file_;
  std::vector<ParamDoc>* docs_ = nullptr;
  std::vector<std::string> known_;
  nlohmann::json resolved_ = nlohmann::json::object();
};

} // namespace rxpath::model
