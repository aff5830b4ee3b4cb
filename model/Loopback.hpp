// The loopback sender's path (traffic[].device "lo"): udp_sendmsg (net/ipv4/udp.c) through
// ip_output to dev_queue_xmit, loopback_xmit (drivers/net/loopback.c) and netif_rx.
#pragma once

#include "Context.hpp"
#include "Traffic.hpp"

#include <optional>
#include <vector>

namespace rxpath::model {

class Dev;

class Loopback {
public:
  Loopback(Context& cx, Dev& dev);
  // Nominal time of the source's next datagram.
  std::optional<int64_t> next_send(int source);
  // sendto() of the source's next datagram at `now`, in process context on its sender_cpu, up to
  // enqueue_to_backlog (the path's outcome); NET_RX then runs on the sender's CPU.
  void xmit(int source, int64_t now, Path& p);

private:
  Context& cx_;
  Dev& dev_;
  std::vector<std::optional<Traffic>> traffic_; // per traffic source (none for NIC sources)
};

} // namespace rxpath::model
