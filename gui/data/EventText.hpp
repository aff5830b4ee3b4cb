// How an event reads in the tooltips, the event list and the details panel.
#pragma once

#include "TraceStore.hpp"

#include <QString>

namespace rxpath::view {

QString qstr(std::string_view s);
// The name the trace's kernel version gives the function (from the header), with the netfilter
// hook: "nf_hook_slow (LOCAL_IN)".
QString function_name(const TraceStore& s, const StoredEvent& e);
// A field's value as it reads: a count as it is, a time (the latency) in its unit.
QString field_value(Field f, int64_t v);
// A context switch as "prev → next (why)" with the tasks' names ("stress → app (wakeup)"), a
// wake-up as "wakes app"; empty for other events.
QString sched_text(const TraceStore& s, const StoredEvent& e);
// "ring=3 rmem=1216 rcvbuf=212992 qlen=1 …": the fields of trace::kFields the event carries, in
// the table's order, without the packet id; a switch or a wake-up reads as sched_text.
QString state_fields(const TraceStore& s, const StoredEvent& e);
// Several lines (HTML) for a tooltip.
QString event_tooltip(const TraceStore& s, uint32_t i);

} // namespace rxpath::view
