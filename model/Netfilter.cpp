#include "Netfilter.hpp"

namespace rxpath::model {

bool matches(const Match& m, const Skb& skb) {
  if (m.protocol && *m.protocol != skb.protocol) return false;
  if (m.src_addr && *m.src_addr != skb.saddr) return false;
  if (m.sport && *m.sport != skb.sport) return false;
  if (m.dport && *m.dport != skb.dport) return false;
  return true;
}

NfResult nf_hook(const std::vector<NfRule>& rules, const Skb& skb) {
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

} // namespace rxpath::model
