// How an event reads in the tooltips, the event list and the details panel.
#pragma once

#include "TraceStore.hpp"

#include <QString>

namespace rxpath::view {

QString qstr(std::string_view s);
// The name the trace's kernel version gives the function (from the header), with the netfilter
// hook: "nf_hook_slow (LOCAL_IN)".
QString function_name(const TraceStore& s, const StoredEvent& e);
// "ring=3 rmem=1216/212992 qlen=1 …": the state fields the event carries.
QString state_fields(const TraceStore& s, const StoredEvent& e);
// Several lines (HTML) for a tooltip.
QString event_tooltip(const TraceStore& s, uint32_t i);

} // namespace rxpath::view
