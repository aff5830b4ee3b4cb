#include "NicHardware.hpp"

#include <algorithm>
#include <cassert>

namespace rxpath::model {

using trace::Ctx;
using trace::DropReason;
using trace::Event;
using trace::Fn;
using trace::Kind;

void RxQueue::push(const Skb& f, const Nic& cfg) {
  ring_.push_back(f);
  if (!irq_enabled_) return;
  if (pending_irq_frames_++ == 0) first_pending_ns_ = f.arrival_ns;
  if (static_cast<int64_t>(pending_arrivals_.size()) < std::max<int64_t>(cfg.rx_frames, 1))
    pending_arrivals_.push_back(f.arrival_ns);
}

std::optional<int64_t> RxQueue::irq_due(const Nic& cfg) const {
  if (!irq_enabled_ || pending_irq_frames_ == 0) return std::nullopt;
  if (cfg.rx_usecs == 0) return first_pending_ns_;
  int64_t due = first_pending_ns_ + cfg.rx_usecs * 1000;
  if (cfg.rx_frames > 0 && pending_irq_frames_ >= cfg.rx_frames)
    due = std::min(due, pending_arrivals_[static_cast<size_t>(cfg.rx_frames - 1)]);
  return due;
}

void RxQueue::mask() {
  irq_enabled_ = false;
  pending_irq_frames_ = 0;
  pending_arrivals_.clear();
}

void RxQueue::unmask(int64_t now, const Nic& cfg) {
  irq_enabled_ = true;
  // Frames already in the ring keep the RX status bit set (an mlx5 CQ re-armed with completions
  // in it generates an event at once): the interrupt is pending now.
  pending_irq_frames_ = fill();
  pending_arrivals_.assign(
      static_cast<size_t>(std::min<int64_t>(pending_irq_frames_, std::max<int64_t>(cfg.rx_frames, 1))), now);
  first_pending_ns_ = now;
}

NicHardware::NicHardware(Context& cx)
    : cx_(cx), traffic_(cx.sc), names_queues_(cx.sc.nic.driver != "8139too") {
  const auto& nic = cx.sc.nic;
  for (int q = 0; q < nic.queues; ++q)
    queues_.emplace_back(q, static_cast<int>(nic.irq_cpus[static_cast<size_t>(q)]));
}

int NicHardware::steer(const Skb& f) const {
  const auto& nic = cx_.sc.nic;
  if (queues_.size() == 1) return 0;
  return rss_queue(rss_hash(nic.rss_key, f.saddr, f.daddr, f.sport, f.dport, nic.rss_l4, nic.rss.symmetric),
                   nic.rss_table);
}

void NicHardware::ring_advance(int64_t now) {
  const auto& nic = cx_.sc.nic;
  Skb f;
  while (traffic_.peek(f) && f.arrival_ns <= now) {
    traffic_.pop(f);
    if (f.frag <= 0) {
      [[maybe_unused]] const int64_t id = cx_.fates.arrive();
      assert(id == f.pkt);
    }
    RxQueue& q = queue(steer(f));
    Event e = make_event(Kind::Stage, Fn::RxRingDma, -1, Ctx::Nic, f.arrival_ns, &f);
    e.bytes = f.frame_bytes;
    e.flow = f.source;
    if (names_queues_) e.queue = q.index();
    if (q.fill() >= nic.ring_size) {
      ++cx_.c.nic.rx_missed_errors;
      e.ring = q.fill();
      cx_.fates.drop(e, DropReason::NicRingFull);
      continue;
    }
    q.push(f, nic);
    e.ring = q.fill();
    cx_.emit(e);
  }
}

bool NicHardware::take(int q, int cpu, Ctx ctx, int64_t now, Path& p) {
  ring_advance(now);
  RxQueue& ring = queue(q);
  if (ring.empty()) return false;
  p.begin(ring.front(), cpu, ctx, cx_.traced);
  ring.pop();
  cx_.fates.take();
  return true;
}

std::optional<int64_t> NicHardware::next_arrival() {
  Skb f;
  if (!traffic_.peek(f)) return std::nullopt;
  return f.arrival_ns;
}

int64_t NicHardware::ring_fill() const {
  int64_t n = 0;
  for (const auto& q : queues_) n += q.fill();
  return n;
}

void NicHardware::raise_irq(int q, int64_t now) {
  RxQueue& rq = queue(q);
  rq.mask();
  ++cx_.c.nic.interrupts;
  Event e = make_event(Kind::Instant, Fn::IrqRaise, rq.irq_cpu(), Ctx::Nic, now);
  e.ring = rq.fill();
  if (names_queues_) e.queue = q;
  cx_.emit(e);
}

} // namespace rxpath::model
