// An application thread pinned to a CPU, looping on recvfrom(): recvfrom -> sock_recvmsg ->
// inet_recvmsg -> udp_recvmsg -> __skb_recv_datagram (blocking in wait_for_more_packets when the
// queue is empty, optionally with SO_RCVTIMEO) -> skb_copy_datagram_msg -> skb_free_datagram_locked,
// then the application's own work on the datagram.
#pragma once

#include "sim/System.hpp"

namespace rxpath::sim {

class Receiver {
public:
  Receiver(System& sys, int thread) : sys_(&sys), thread_(thread) {}
  void operator()();

private:
  System* sys_;
  int thread_;
};

} // namespace rxpath::sim
