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

QString state_fields(const TraceStore& s, const StoredEvent& ev) {
  const EventFields e = s.fields(ev);
  QStringList out;
  auto add = [&](const char* name, int64_t v) {
    if (v >= 0) out << QStringLiteral("%1=%2").arg(QLatin1String(name)).arg(v);
  };
  add("ring", e.ring);
  add("backlog", e.backlog);
  if (e.rmem >= 0 && e.rcvbuf >= 0)
    out << QStringLiteral("rmem=%1/%2").arg(e.rmem).arg(e.rcvbuf);
  else
    add("rmem", e.rmem), add("rcvbuf", e.rcvbuf);
  add("qlen", e.qlen);
  add("budget", e.budget);
  add("work", e.work);
  add("bytes", e.bytes);
  add("sock", e.sock);
  add("thread", e.thread);
  add("frag", e.frag);
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
  if (const int64_t latency = s.value(e, Field::Latency); latency >= 0)
    html += QStringLiteral("<br>latency %1").arg(format_ns(static_cast<double>(latency)));
  if (QString st = state_fields(s, e); !st.isEmpty()) html += QStringLiteral("<br>%1").arg(st);
  const auto& fi = s.function(e.fn);
  if (!fi.file.empty()) html += QStringLiteral("<br><tt>%1</tt>").arg(QString::fromStdString(fi.file));
  return html;
}

} // namespace rxpath::view
