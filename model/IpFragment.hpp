// net/ipv4/ip_fragment.c: ip_defrag's reassembly queues, ip_frag_reasm and ip_expire.
#pragma once

#include "Context.hpp"

#include <map>
#include <optional>

namespace rxpath::model {

class IpFragment {
public:
  explicit IpFragment(Context& cx) : cx_(cx) {}
  // ip_defrag for a fragment on the path: true when it completed its datagram (the path goes on
  // with the reassembled skb); false when it is held (Outcome::Held) waiting for the others.
  bool defrag(Path& p);
  // When the oldest queue expires (ipfrag_time after its first fragment), if any.
  std::optional<int64_t> next_expiry() const;
  // ip_expire for every queue expired by `now`.
  void expire(int64_t now);
  // Datagrams waiting for fragments that are still without a fate.
  int64_t waiting() const;

private:
  struct Queue {
    int64_t created_ns = 0;
    int received = 0;
    int expected = 0;
    int64_t truesize = 0;
    int cpu = 0;
  };
  int64_t expiry(const Queue& q) const { return q.created_ns + cx_.sc.sysctl.ipfrag_time * 1'000'000'000; }

  Context& cx_;
  std::map<int64_t, Queue> queues_; // by datagram id
};

} // namespace rxpath::model
