#include "EventSearch.hpp"

#include <QRegularExpression>

namespace rxpath::view {

SearchQuery SearchQuery::parse(const TraceStore& s, const QString& text) {
  SearchQuery q;
  const QString t = text.trimmed();
  if (t.isEmpty()) return q;
  static const QRegularExpression packet(QStringLiteral("^(?:pkt|packet)?\\s*#?(\\d+)$"),
                                         QRegularExpression::CaseInsensitiveOption);
  if (auto m = packet.match(t); m.hasMatch()) {
    bool ok = false;
    const qlonglong id = m.captured(1).toLongLong(&ok);
    if (ok) {
      q.kind = Kind::Packet, q.packet = id;
      q.describe = QStringLiteral("packet %1").arg(id);
      return q;
    }
  }
  if (auto r = trace::drop_reason_from_string(t.toUpper().toStdString());
      r && *r != trace::DropReason::None) {
    q.kind = Kind::Reason, q.reason = *r;
    q.describe = QStringLiteral("drops %1").arg(t.toUpper());
    return q;
  }
  q.fns.assign(s.functions.size(), false);
  int n = 0;
  for (size_t f = 0; f < s.functions.size(); ++f)
    if (QString::fromStdString(s.functions[f].name).contains(t, Qt::CaseInsensitive)) q.fns[f] = true, ++n;
  if (n == 0) return q; // Kind::None: nothing can match
  q.kind = Kind::Function;
  q.describe = n == 1
                   ? QStringLiteral("function %1")
                         .arg(QString::fromStdString(
                             s.functions[std::find(q.fns.begin(), q.fns.end(), true) - q.fns.begin()].name))
                   : QStringLiteral("functions matching \"%1\" (%2)").arg(t).arg(n);
  return q;
}

bool SearchQuery::matches(const StoredEvent& e) const {
  switch (kind) {
  case Kind::None:
    return false;
  case Kind::Packet:
    return e.pkt == packet;
  case Kind::Reason:
    return e.kind == trace::Kind::Drop && e.reason == reason;
  case Kind::Function:
    return static_cast<size_t>(e.fn) < fns.size() && fns[static_cast<size_t>(e.fn)];
  }
  return false;
}

std::optional<uint32_t> find_event(const TraceStore& s, const SearchQuery& q, int64_t from, bool forward) {
  const int64_t n = static_cast<int64_t>(s.events.size());
  if (q.kind == SearchQuery::Kind::None || n == 0) return std::nullopt;
  if (q.kind == SearchQuery::Kind::Packet) { // the packet's own stages, not a scan of the trace
    auto p = s.packet_index(q.packet);
    if (!p) return std::nullopt;
    const PacketRecord& rec = s.packets[*p];
    const uint32_t* b = s.stages_begin(rec);
    const uint32_t* e = b + rec.stage_count;
    const auto at = static_cast<uint32_t>(std::max<int64_t>(from, 0));
    if (forward) {
      const uint32_t* it = from < 0 ? b : std::upper_bound(b, e, at);
      return it != e ? *it : *b;
    }
    const uint32_t* it = from < 0 ? e : std::lower_bound(b, e, at);
    return it != b ? *(it - 1) : *(e - 1);
  }
  const int64_t start = from < 0 ? (forward ? -1 : n) : from;
  for (int64_t k = 1; k <= n; ++k) {
    const int64_t i = ((start + (forward ? k : -k)) % n + n) % n;
    if (q.matches(s.events[static_cast<size_t>(i)])) return static_cast<uint32_t>(i);
  }
  return std::nullopt;
}

size_t count_matches(const TraceStore& s, const SearchQuery& q) {
  if (q.kind == SearchQuery::Kind::Packet) {
    auto p = s.packet_index(q.packet);
    return p ? s.packets[*p].stage_count : 0;
  }
  size_t n = 0;
  for (const StoredEvent& e : s.events) n += q.matches(e);
  return n;
}

std::optional<double> parse_time_ns(const QString& text) {
  static const QRegularExpression re(QStringLiteral("^([0-9][0-9 ]*(?:[.,][0-9]+)?)\\s*(ns|us|µs|ms|s)?$"),
                                     QRegularExpression::CaseInsensitiveOption);
  const auto m = re.match(text.trimmed());
  if (!m.hasMatch()) return std::nullopt;
  QString num = m.captured(1);
  num.remove(QLatin1Char(' ')).replace(QLatin1Char(','), QLatin1Char('.'));
  bool ok = false;
  const double v = num.toDouble(&ok);
  if (!ok) return std::nullopt;
  const QString unit = m.captured(2).toLower();
  if (unit == QLatin1String("s")) return v * 1e9;
  if (unit == QLatin1String("ms")) return v * 1e6;
  if (unit == QLatin1String("us") || unit == QStringLiteral("µs")) return v * 1e3;
  return v;
}

} // namespace rxpath::view
