// net/ipv4/ip_input.c: ip_rcv, ip_rcv_finish (early demux, the route), ip_local_deliver and
// ip_local_deliver_finish handing the datagram to its protocol (udp_rcv).
#pragma once

#include "Context.hpp"

namespace rxpath::model {

class IpFragment;
class Udp;

class IpInput {
public:
  IpInput(Context& cx, IpFragment& frag, Udp& udp) : cx_(cx), frag_(frag), udp_(udp) {}
  // ip_rcv up to the protocol handler; the path ends in a drop, a held fragment or udp_rcv's end.
  void rcv(Path& p);

private:
  Context& cx_;
  IpFragment& frag_;
  Udp& udp_;
};

} // namespace rxpath::model
