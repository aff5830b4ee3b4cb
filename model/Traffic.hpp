// The frames that reach the NIC: all traffic sources merged by arrival time, with the link's
// serialisation (a frame cannot start before the previous one has finished on the wire) and IP
// fragmentation of datagrams larger than the path MTU.
#pragma once

#include "Skb.hpp"
#include "config/Scenario.hpp"

#include <cstdint>
#include <deque>
#include <random>
#include <vector>

namespace rxpath::model {

class Traffic {
public:
  // Every NIC source merged (source < 0), or one loopback source's datagrams (its sender's).
  explicit Traffic(const Scenario& sc, int source = -1);

  // The next frame, or false when every source is exhausted.
  bool peek(Skb& out);
  bool pop(Skb& out);
  bool done() { return !fill(); }

private:
  struct Source {
    const TrafficSource* cfg;
    int index = 0; // in the scenario's traffic[]
    int64_t sent = 0;
    int64_t next_ns = 0; // nominal time of the next datagram
    std::mt19937_64 rng;
  };
  // Sources with datagrams left, the one due first on top (ties: the lower index), so the next
  // datagram costs log(sources), not a scan of them all.
  struct Later {
    const std::vector<Source>* s;
    bool operator()(size_t a, size_t b) const {
      const Source &x = (*s)[a], &y = (*s)[b];
      return x.next_ns != y.next_ns ? x.next_ns > y.next_ns : x.index > y.index;
    }
  };
  bool fill();
  void emit_datagram(Source& s, int64_t t);
  int64_t wire_ns(int64_t frame_bytes) const;
  int64_t replay_start(const TrafficSource& c, int64_t i) const;
  double uniform(std::mt19937_64& rng);

  const Scenario& sc_;
  std::vector<Source> sources_; // only this Traffic's own sources
  std::vector<size_t> due_;     // a heap of indices into sources_, by Later
  std::deque<Skb> pending_;     // frames of the current datagram(s), in wire order
  int64_t wire_free_ns_ = 0;    // when the link is free for the next frame
  int64_t next_pkt_ = 0;
  std::mt19937_64 alloc_rng_;
};

} // namespace rxpath::model
