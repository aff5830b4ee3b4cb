#include "EventText.hpp"

#include "TimeFormat.hpp"

#include <QStringList>

namespace rxpath::view {

QString qstr(std::string_view s) {
  return QString::fromUtf8(s.data(), static_cast<qsizetype>(s.size()));
}

QString function_name(const TraceStore& s, const StoredEvent& e) {
  QString n = QString::fromStdString(s.function(e.fn).name);
  if (e.hook != trace::Hook::None) n += QStringLiteral(" (%1)").arg(qstr(trace::to_string(e.hook)));
  return n;
}

QString field_value(Field f, int64_t v) {
  return info(f).range == trace::FieldRange::Time ? format_ns(static_cast<double>(v)) : QString::number(v);
}

QString sched_text(const TraceStore& s, const StoredEvent& e) {
  auto name = [&](Field f) { return QString::fromStdString(s.task_name(s.value(e, f), e.cpu)); };
  if (e.fn == trace::Fn::Schedule)
    return QStringLiteral("%1 → %2 (%3)")
        .arg(name(field("prev")), name(field("next")), qstr(trace::to_string(e.why)));
  if (e.fn == trace::Fn::TryToWakeUp) return QStringLiteral("wakes %1").arg(name(field("task")));
  return {};
}

QString state_fields(const TraceStore& s, const StoredEvent& ev) {
  QStringList out;
  const QString sched = sched_text(s, ev);
  if (!sched.isEmpty()) out << sched;
  // Every field of the trace's table the event carries but the packet id, shown on its own (and
  // the tasks of a switch, named above).
  for (uint8_t i = 0; i < trace::kFields.size(); ++i) {
    const Field f{i};
    if (!ev.has(f) || info(f).member == &trace::Event::pkt) continue;
    if (!sched.isEmpty() && (f == field("prev") || f == field("next") || f == field("task"))) continue;
    out << QStringLiteral("%1=%2").arg(qstr(info(f).key), field_value(f, s.value(ev, f)));
  }
  if (ev.trunc) out << QStringLiteral("MSG_TRUNC");
  return out.join(QLatin1Char(' '));
}

QString event_tooltip(const TraceStore& s, uint32_t i) {
  const StoredEvent& e = s.events[i];
  QString html = QStringLiteral("<b>%1</b> &nbsp;<i>%2</i><br>")
                     .arg(function_name(s, e), qstr(trace::to_string(e.kind)));
  html += QStringLiteral("t = %1").arg(format_ns(static_cast<double>(e.t)));
  if (e.is_span())
    html += QStringLiteral(" … %1 (%2)")
                .arg(format_ns(static_cast<double>(s.span_end(e))),
                     format_ns(static_cast<double>(s.span_end(e) - e.t)));
  html += QStringLiteral("<br>%1, CPU %2").arg(qstr(trace::to_string(e.ctx))).arg(e.cpu);
  if (e.pkt >= 0) html += QStringLiteral("<br>packet %1").arg(e.pkt);
  if (e.kind == trace::Kind::Drop)
    html += QStringLiteral("<br><span style='color:#c02020'><b>dropped: %1</b></span>")
                .arg(qstr(trace::to_string(e.reason)));
  if (QString st = state_fields(s, e); !st.isEmpty()) html += QStringLiteral("<br>%1").arg(st);
  const auto& fi = s.function(e.fn);
  if (!fi.file.empty()) html += QStringLiteral("<br><tt>%1</tt>").arg(QString::fromStdString(fi.file));
  return html;
}

} // namespace rxpath::view
