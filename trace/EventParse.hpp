// The trace reader's on-demand parse of one event line, compiled twice (trace/CMakeLists.txt):
// once for any x86-64 (simdjson's fallback on-demand code) and once with the Haswell flags, where
// simdjson's on-demand is its AVX2 implementation. EventParser picks one at run time by the CPU.
// Internal to trace/: only TraceReader.cpp and EventParse.cpp include it.
#pragma once

#include "TraceReader.hpp"

#include <array>
#include <cassert>
#include <memory>
#include <string_view>
#include <utility>

namespace rxpath::trace::detail {

class ParseBackend {
public:
  virtual ~ParseBackend(); // defined in TraceReader.cpp, which so holds the vtable
  virtual EventParser::Line parse_fields(std::string_view line, Event& e, const TraceLimits& limits) = 0;
};

// One factory per compilation of EventParse.cpp, named by its RXPATH_PARSE_NS.
namespace portable {
std::unique_ptr<ParseBackend> make_backend();
}
namespace haswell {
std::unique_ptr<ParseBackend> make_backend();
}

// The fast path (EventScan.cpp): true, with the event or Line::End in `kind`, when it read the line
// and found it valid; false to leave the line to a ParseBackend, which also names what is wrong.
bool scan_event(std::string_view line, Event& e, const TraceLimits& limits, EventParser::Line& kind);

// The parts of the parse that need no simdjson, compiled once with the baseline flags (in
// TraceReader.cpp): the AVX2 copy calls these instead of instantiating the same standard-library
// templates a second time with other instructions, which the linker could pick for the baseline
// code too.
struct Key {
  uint32_t bit = 0;                 // 0: a key a later writer may add
  const FieldInfo* field = nullptr; // an integer field of the table
};
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
  kWhy = 1u << 9,
  kFieldBit0 = 10,
};
static_assert(kFieldBit0 + kFields.size() <= 32);

// Equality of short names, inline: the library's memcmp call for a name of three letters was a
// seventh of the scan.
inline bool same_name(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (a[i] != b[i]) return false;
  return true;
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

// Names to values in an open-addressed table, a quarter full at most: one probe and one
// comparison per look-up, where unordered_map followed a node per look-up.
template <typename T, size_t kSlots>
class NameTable {
public:
  void add(std::string_view name, T value) {
    if (find(name)) return; // the same name in both kernel versions
    assert(4 * ++count_ <= kSlots && "NameTable too small");
    size_t i = NameHash{}(name) & (kSlots - 1);
    while (!slots_[i].first.empty()) i = (i + 1) & (kSlots - 1);
    slots_[i] = {name, value};
  }
  const T* find(std::string_view name) const {
    for (size_t i = NameHash{}(name) & (kSlots - 1);; i = (i + 1) & (kSlots - 1)) {
      if (slots_[i].first.empty()) return nullptr;
      if (same_name(slots_[i].first, name)) return &slots_[i].second;
    }
  }

private:
  std::array<std::pair<std::string_view, T>, kSlots> slots_{};
  size_t count_ = 0;
};

// The names a line may hold (built once; the scanner looks them up inline).
const NameTable<Key, 128>& keys();
const NameTable<Fn, 512>& fn_names(); // by any kernel version's spelling
const NameTable<Kind, 32>& kinds();
const NameTable<Ctx, 32>& contexts();
const NameTable<DropReason, 128>& reasons();
inline constexpr int64_t kMaxTime = 1'000'000'000'000'000'000; // 31 years in ns: sums stay in int64

Key key_of(std::string_view k);
// The function of any kernel version's spelling, or nullptr.
const Fn* fn_of(std::string_view name);
// The field range's bounds under the header's limits.
int64_t min_of(FieldRange r);
int64_t max_of(FieldRange r, const TraceLimits& limits);

// What a bad value was: a scalar's raw text ("1e15") or a type's name ("an object").
struct Found {
  std::string_view text;
  bool scalar = false;
};
// The errors, thrown as TraceError, built here so that the AVX2 copy holds no std::string code.
[[noreturn]] void bad_key(std::string_view key, std::string_view what);
[[noreturn]] void bad_int(std::string_view key, int64_t lo, int64_t hi, Found found);
[[noreturn]] void bad_type(std::string_view key, std::string_view expected, Found found);
// `value` quoted, then "(expected ...)".
[[noreturn]] void bad_name(std::string_view key, std::string_view value, std::string_view expected);
[[noreturn]] void bad_hook(std::string_view value);
[[noreturn]] void bad_line(const char* what);
// Whether an object whose keys were `seen` makes an event (its kind's keys present, a span not
// ending before it begins); if not and `throw_it`, a TraceError says what is missing.
bool event_complete(uint32_t seen, const Event& e, bool throw_it);

} // namespace rxpath::trace::detail
