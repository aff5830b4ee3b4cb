// Find (Ctrl+F): what the user typed, read as a packet id, a drop reason or a function name, and
// the next or previous matching event. Pure (no widgets), so it is tested without a window.
#pragma once

#include "data/TraceStore.hpp"

#include <QString>

#include <optional>
#include <vector>

namespace rxpath::view {

struct SearchQuery {
  enum class Kind { None, Packet, Reason, Function } kind = Kind::None;
  int64_t packet = -1;
  trace::DropReason reason = trace::DropReason::None;
  std::vector<bool> fns; // Function: which trace::Fn match (by index)
  QString describe;      // "packet 42", "drops NIC_RING_FULL", "functions matching \"udp\" (3)"

  // "42" or "pkt 42" is a packet; a drop reason's name (any case) its drops; anything else the
  // functions whose name, in the trace's kernel version, contains the text (any case).
  static SearchQuery parse(const TraceStore& s, const QString& text);
  bool matches(const StoredEvent& e) const;
};

// The first matching event after `from` (or before it, going back), wrapping around; nullopt when
// nothing matches. `from` -1 starts at the beginning (or the end).
std::optional<uint32_t> find_event(const TraceStore& s, const SearchQuery& q, int64_t from, bool forward);
size_t count_matches(const TraceStore& s, const SearchQuery& q);

// "12.5 ms", "3us", "1 500 ns", "2s", or a bare number of ns; nullopt if unreadable.
std::optional<double> parse_time_ns(const QString& text);

} // namespace rxpath::view
