#include "DetailsPanel.hpp"

#include "app/Selection.hpp"
#include "data/EventText.hpp"
#include "data/TimeFormat.hpp"

#include <QFormLayout>
#include <QLabel>

namespace rxpath::view {

DetailsPanel::DetailsPanel(Selection* selection, QWidget* parent) : QWidget(parent), sel_(selection) {
  auto* form = new QFormLayout(this);
  form->setRowWrapPolicy(QFormLayout::DontWrapRows);
  form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
  auto label = [&](const QString& name, const char* id) {
    auto* l = new QLabel(this);
    l->setObjectName(QLatin1String(id));
    l->setTextInteractionFlags(Qt::TextSelectableByMouse);
    l->setWordWrap(true);
    form->addRow(name, l);
    return l;
  };
  packet_ = label(tr("Packet"), "packet");
  stage_ = label(tr("Stage"), "stage");
  function_ = label(tr("Function"), "function");
  file_ = label(tr("Source"), "file");
  context_ = label(tr("Context"), "context");
  time_ = label(tr("Time"), "time");
  since_ = label(tr("Since arrival"), "since"); // at the NIC, or a loopback sender's sendto()
  state_ = label(tr("State"), "state");
  summary_ = label(tr("What it does"), "summary");
  QFont mono = state_->font();
  mono.setFamily(QStringLiteral("monospace"));
  state_->setFont(mono);
  connect(sel_, &Selection::stage_changed, this, &DetailsPanel::refresh);
  connect(sel_, &Selection::event_changed, this, &DetailsPanel::refresh);
  connect(sel_, &Selection::store_changed, this, &DetailsPanel::refresh);
  refresh();
}

QString DetailsPanel::packet_text() const {
  return packet_->text();
}
QString DetailsPanel::function_text() const {
  return function_->text();
}
QString DetailsPanel::summary_text() const {
  return summary_->text();
}
QString DetailsPanel::state_text() const {
  return state_->text();
}

void DetailsPanel::refresh() {
  for (QLabel* l : {packet_, stage_, function_, file_, context_, time_, since_, state_, summary_}) l->clear();
  const TraceStore* s = sel_->store();
  int64_t ev = sel_->stage_event() >= 0 ? sel_->stage_event() : sel_->event();
  if (!s || ev < 0) {
    packet_->setText(tr("Click a packet in the waterfall or an event on the timeline."));
    return;
  }
  const StoredEvent& e = s->events[ev];
  const PacketRecord* p = nullptr;
  if (e.pkt >= 0)
    if (auto pi = s->packet_index(e.pkt)) p = &s->packets[*pi];
  if (p) {
    QString fate = p->fate == Fate::Dropped     ? tr("dropped (%1)").arg(qstr(trace::to_string(p->reason)))
                   : p->fate == Fate::Delivered ? tr("delivered")
                                                : tr("in flight when the trace ends");
    QString text = tr("%1 — %2, latency %3").arg(p->id).arg(fate, format_ns(double(p->latency)));
    // A multi-queue NIC: the RX queue RSS steered the frame to (its rx_ring_dma's `queue`).
    if (p->queue >= 0) text += tr(" · RX queue %1 (RSS)").arg(p->queue);
    packet_->setText(text);
    if (sel_->stage() >= 0 && sel_->stage_event() == ev)
      stage_->setText(step_hint_.isEmpty()
                          ? tr("%1 of %2").arg(sel_->stage() + 1).arg(p->stage_count)
                          : tr("%1 of %2   (%3)").arg(sel_->stage() + 1).arg(p->stage_count).arg(step_hint_));
    since_->setText(format_ns(double(e.t - p->arrival)));
  } else {
    packet_->setText(tr("— (not a packet's stage)"));
  }
  const FunctionInfo& fi = s->function(e.fn);
  QString fn = function_name(*s, e);
  if (e.kind == trace::Kind::Drop) fn += tr("  — DROP: %1").arg(qstr(trace::to_string(e.reason)));
  if (const QString sched = sched_text(*s, e); !sched.isEmpty()) fn += QStringLiteral(": ") + sched;
  function_->setText(fn);
  file_->setText(fi.file.empty() ? tr("(hardware / application)") : QString::fromStdString(fi.file));
  context_->setText(
      tr("%1 on %2").arg(qstr(trace::to_string(e.ctx)), e.cpu < 0 ? tr("the NIC") : tr("CPU %1").arg(e.cpu)));
  time_->setText(e.is_span() ? tr("%1 … %2").arg(format_precise(e.t), format_precise(s->span_end(e)))
                             : format_precise(e.t));
  // The kernel-state fields of the trace's table: those looked up before the event (the queues
  // and the budget: "—" if none was reported) and those the event itself carries.
  const StateAt st = s->state_at(static_cast<uint32_t>(ev));
  QStringList lines;
  for (uint8_t i = 0; i < trace::kFields.size(); ++i) {
    const Field f{i};
    if (!info(f).state || (st[f] < 0 && !st.was_looked_up(f))) continue;
    lines << QStringLiteral("%1 %2")
                 .arg(qstr(info(f).key), -8)
                 .arg(st[f] >= 0 ? field_value(f, st[f]) : QStringLiteral("—"));
  }
  state_->setText(lines.join(QLatin1Char('\n')));
  summary_->setText(QString::fromStdString(fi.summary));
}

} // namespace rxpath::view
