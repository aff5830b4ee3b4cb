// net/netfilter/core.c (nf_hook_slow), with the iptables semantics of the rules.
#include "Netfilter.hpp"

namespace rxpath::model {

bool matches(const Match& m, const Skb& skb) {
  if (m.protocol && *m.protocol != skb.protocol) return false;
  if (m.src_addr && *m.src_addr != skb.saddr) return false;
  if (m.sport && *m.sport != skb.sport) return false;
  if (m.dport && *m.dport != skb.dport) return false;
  return true;
}

NfResult nf_iterate(const std::vector<NfRule>& rules, const Skb& skb) {
  NfResult r;
  for (const auto& rule : rules) {
    r.cost_ns += rule.cost_ns;
    if (matches(rule.match, skb)) {
      r.verdict = rule.verdict;
      break;
    }
  }
  return r;
}

bool nf_hook(Context& cx, Path& p, trace::Hook hook, const std::vector<NfRule>& rules) {
  if (rules.empty()) return true;
  const NfResult nf = nf_iterate(rules, p.skb);
  if (trace::Event* e = p.traced_stage(trace::Fn::NfHookSlow, cx.draw(cx.costs.nf_hook_ns) + nf.cost_ns))
    e->hook = hook;
  if (nf.verdict != Verdict::Drop) return true;
  ++cx.c.netfilter_drops;
  p.drop(trace::Fn::NfHookSlow, trace::DropReason::NetfilterDrop).hook = hook;
  return false;
}

} // namespace rxpath::model
