// A loopback sender (traffic[].device "lo"): a thread pinned to its sender_cpu that calls
// sendto() for each datagram of its traffic source at the pattern's times (later if it is still
// busy with the previous one). Each send runs udp_sendmsg ... loopback_xmit -> netif_rx in process
// context, then raises NET_RX on its CPU, which preempts it there (do_softirq on
// local_bh_enable, before sendto() returns).
#pragma once

#include "sim/System.hpp"

namespace rxpath::sim {

class Sender {
public:
  Sender(System& sys, int source) : sys_(&sys), source_(source) {}
  void operator()();

private:
  System* sys_;
  int source_;
};

} // namespace rxpath::sim
