// iptables-style rule traversal of one netfilter hook (net/netfilter/core.c nf_hook_slow,
// nf_iterate): rules are examined in order and the first match decides; no match = ACCEPT
// (the chain policy).
#pragma once

#include "Scenario.hpp"
#include "Skb.hpp"

#include <vector>

namespace rxpath::model {

bool matches(const Match& m, const Skb& skb);

struct NfResult {
  Verdict verdict = Verdict::Accept;
  int64_t cost_ns = 0; // the rules examined
};
NfResult nf_hook(const std::vector<NfRule>& rules, const Skb& skb);

} // namespace rxpath::model
