// net/netfilter/core.c: NF_HOOK -> nf_hook_slow, iptables-style rule traversal of one hook
// (nf_iterate): rules are examined in order and the first match decides; no match = ACCEPT (the
// chain policy).
#pragma once

#include "Context.hpp"

#include <vector>

namespace rxpath::model {

bool matches(const Match& m, const Skb& skb);

struct NfResult {
  Verdict verdict = Verdict::Accept;
  int64_t cost_ns = 0; // the rules examined
};
NfResult nf_iterate(const std::vector<NfRule>& rules, const Skb& skb);

// NF_HOOK on a path: nothing when the hook has no rules; else nf_hook_slow's stage and, on DROP,
// the path's drop. Returns true if the packet goes on (okfn).
bool nf_hook(Context& cx, Path& p, trace::Hook hook, const std::vector<NfRule>& rules);

} // namespace rxpath::model
