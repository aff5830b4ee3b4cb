// net/ipv4/ip_fragment.c (3.19 and 6.18 alike for what is modelled).
#include "IpFragment.hpp"

namespace rxpath::model {

bool IpFragment::defrag(Path& p) {
  Skb& skb = p.skb;
  ++cx_.c[IpMib::ReasmReqds];
  auto [it, fresh] = queues_.try_emplace(skb.pkt);
  Queue& q = it->second;
  if (fresh) {
    q.created_ns = skb.arrival_ns;
    q.expected = skb.nfrags;
    q.cpu = p.cpu;
  }
  ++q.received;
  q.truesize += skb.truesize;
  if (q.received < q.expected) {
    p.outcome = Outcome::Held;
    return false;
  }
  // ip_frag_reasm: the head skb carries the others; truesize is their sum.
  ++cx_.c[IpMib::ReasmOKs];
  skb.truesize = q.truesize;
  skb.frag = -1;
  queues_.erase(it);
  return true;
}

std::optional<int64_t> IpFragment::next_expiry() const {
  std::optional<int64_t> t;
  for (const auto& [pkt, q] : queues_)
    if (!t || expiry(q) < *t) t = expiry(q);
  return t;
}

// ip_expire: ReasmFails, ReasmTimeout, the queue freed.
void IpFragment::expire(int64_t now) {
  for (auto it = queues_.begin(); it != queues_.end();) {
    const Queue& q = it->second;
    if (expiry(q) > now) {
      ++it;
      continue;
    }
    ++cx_.c[IpMib::ReasmFails];
    ++cx_.c[IpMib::ReasmTimeout];
    Skb head;
    head.pkt = it->first;
    head.frag = -1;
    cx_.fates.drop(make_event(trace::Kind::Drop, trace::Fn::IpDefrag, q.cpu, trace::Ctx::Softirq, now, &head),
                   trace::DropReason::FragReasmTimeout);
    it = queues_.erase(it);
  }
}

int64_t IpFragment::waiting() const {
  int64_t n = 0;
  for (const auto& [pkt, q] : queues_)
    if (!cx_.fates.fated(pkt)) ++n;
  return n;
}

} // namespace rxpath::model
