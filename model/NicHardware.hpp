// The NIC's hardware: frames from the wire are DMA'd into an RX queue's ring (RSS picks the queue
// when there are several), and each queue raises its own interrupt (an MSI-X vector, routed to
// one CPU) after moderation (ethtool -C rx-usecs / rx-frames). A queue's interrupt stays masked
// from the moment it is raised until its driver re-enables it (NAPI completion; an mlx5 CQ re-arm).
// Arrivals are settled lazily: whenever the driver or the interrupt logic looks at the rings.
#pragma once

#include "Context.hpp"
#include "Rss.hpp"
#include "Traffic.hpp"

#include <deque>
#include <optional>
#include <vector>

namespace rxpath::model {

class RxQueue {
public:
  RxQueue(int index, int irq_cpu) : index_(index), irq_cpu_(irq_cpu) {}
  int index() const { return index_; }
  int irq_cpu() const { return irq_cpu_; }
  int64_t fill() const { return static_cast<int64_t>(ring_.size()); }
  bool empty() const { return ring_.empty(); }
  const Skb& front() const { return ring_.front(); }
  void pop() { ring_.pop_front(); }
  // A frame takes a free descriptor; its arrival counts towards the moderated interrupt.
  void push(const Skb& f, const Nic& cfg);

  bool irq_enabled() const { return irq_enabled_; }
  // When the moderated interrupt is due, if frames are pending: rx_usecs after the first pending
  // frame, or as soon as rx_frames are pending, whichever comes first; rx_usecs 0 = at once.
  std::optional<int64_t> irq_due(const Nic& cfg) const;
  // The interrupt is raised: masked until the driver re-enables it.
  void mask();
  // Unmasked: frames already in the ring make it pending at once.
  void unmask(int64_t now, const Nic& cfg);

private:
  int index_;
  int irq_cpu_;
  std::deque<Skb> ring_;
  bool irq_enabled_ = true;
  int64_t pending_irq_frames_ = 0; // frames since the interrupt was last raised/enabled
  int64_t first_pending_ns_ = 0;
  std::vector<int64_t> pending_arrivals_; // arrival times of those frames (for rx_frames)
};

class NicHardware {
public:
  explicit NicHardware(Context& cx);

  int queues() const { return static_cast<int>(queues_.size()); }
  // A multi-queue NIC's events name their RX queue (trace field `queue`); a one-queue 8139too's do not.
  bool names_queues() const { return names_queues_; }
  RxQueue& queue(int q) { return queues_[static_cast<size_t>(q)]; }
  const RxQueue& queue(int q) const { return queues_[static_cast<size_t>(q)]; }
  // Settles the frames that have reached the NIC by `now`: each takes a free descriptor of its
  // queue or is missed (rx_missed_errors).
  void ring_advance(int64_t now);
  std::optional<int64_t> next_arrival();
  // Frames in all rings.
  int64_t ring_fill() const;
  // A driver takes the next frame of queue `q`'s ring (settled up to `now`) into `p`; false when the
  // ring is empty.
  bool take(int q, int cpu, trace::Ctx ctx, int64_t now, Path& p);
  // The RX queue RSS picks for a frame (0 on a one-queue NIC).
  int steer(const Skb& f) const;
  // Queue `q` raises its interrupt line at `now`.
  void raise_irq(int q, int64_t now);
  // Queue `q`'s interrupt is unmasked by its driver.
  void enable_irq(int q, int64_t now) { queue(q).unmask(now, cx_.sc.nic); }

private:
  Context& cx_;
  Traffic traffic_; // the frames that reach the NIC
  std::vector<RxQueue> queues_;
  bool names_queues_;
};

} // namespace rxpath::model
