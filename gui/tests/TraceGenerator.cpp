#include "TraceGenerator.hpp"

#include "trace/TraceWriter.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <deque>
#include <fstream>
#include <random>

namespace rxpath::view::testgen {
namespace {

namespace tr = rxpath::trace;
using nlohmann::json;
using tr::Ctx;
using tr::Event;
using tr::Fn;
using tr::Kind;

constexpr int64_t kRcvbuf = 13824, kTruesize = 2304;

// An end object of the shape every reader checks (trace::check_end): the counters given, zeros
// for the others.
json end_object(int64_t t, int64_t arrived, int64_t delivered, const json& dropped, int cpus,
                json softnet = {}, json snmp = json::object()) {
  json cpu_time = json::array();
  for (int c = 0; c < cpus; ++c)
    cpu_time.push_back(
        {{"cpu", c}, {"hardirq", 0}, {"softirq", 0}, {"ksoftirqd", 0}, {"process", 0}, {"idle", t}});
  if (softnet.is_null()) softnet = json::array();
  return {{"t", t},
          {"packets", {{"arrived", arrived}, {"delivered", delivered}, {"dropped", dropped}}},
          {"nic", {{"rx_packets", arrived}, {"rx_missed_errors", 0}, {"rx_dropped", 0}, {"interrupts", 1}}},
          {"netfilter_drops", 0},
          {"snmp", snmp},
          {"softnet_stat", softnet},
          {"cpu_time_ns", cpu_time},
          {"sockets", json::array({{{"name", "server"}, {"delivered", delivered}, {"drops", 0}}})}};
}

json header(int cpus, int receivers = 1) {
  json fns = json::array();
  for (int f = 0; f < static_cast<int>(Fn::Count_); ++f) {
    const auto& fi = tr::info(static_cast<Fn>(f));
    fns.push_back({{"name", fi.name}, {"file", fi.file}, {"summary", fi.summary}});
  }
  json reasons = json::array();
  for (int r = 1; r < static_cast<int>(tr::DropReason::Count_); ++r)
    reasons.push_back(tr::to_string(static_cast<tr::DropReason>(r)));
  json threads = json::array();
  for (int r = 0; r < receivers; ++r)
    threads.push_back(
        {{"name", r == 0 ? std::string("app") : "app" + std::to_string(r + 1)}, {"socket", 0}, {"cpu", 1}});
  return {{"generator", "rxpath-gen-trace (viewer tests)"},
          {"kernel", "3.19"},
          {"seed", 1},
          {"cpus", cpus},
          {"scenario", {{"name", "generated"}, {"nic", {{"ring_size", 16}}}}},
          {"functions", fns},
          {"drop_reasons", reasons},
          {"sockets", json::array({{{"name", "server"}, {"bind", "0.0.0.0:9000"}, {"rcvbuf", kRcvbuf}}})},
          {"receivers", threads}};
}

Event ev(Kind k, int64_t t, int cpu, Ctx ctx, Fn fn, int64_t pkt = tr::kUnset) {
  Event e;
  e.kind = k, e.t = t, e.cpu = cpu, e.ctx = ctx, e.fn = fn, e.pkt = pkt;
  return e;
}

// The softirq part of one packet's path, from rtl8139_rx to sock_queue_rcv_skb; stops at `drop_at`
// with `reason` if given. Returns the time after the last step.
int64_t softirq_path(std::vector<Event>& out, int64_t t, int64_t pkt, int ring, Fn drop_at,
                     tr::DropReason reason, int64_t rmem, int64_t qlen) {
  static const Fn kPath[] = {Fn::Rtl8139Rx,      Fn::NetifReceiveSkb, Fn::NetifReceiveSkbCore,
                             Fn::IpRcv,          Fn::NfHookSlow,      Fn::IpRcvFinish,
                             Fn::IpLocalDeliver, Fn::NfHookSlow,      Fn::IpLocalDeliverFinish,
                             Fn::UdpRcv,         Fn::Udp4LibLookup,   Fn::UdpQueueRcvSkb,
                             Fn::SockQueueRcvSkb};
  int nf = 0;
  for (Fn fn : kPath) {
    Event e = ev(Kind::Stage, t, 0, Ctx::Softirq, fn, pkt);
    if (fn == Fn::Rtl8139Rx) e.ring = ring;
    if (fn == Fn::NfHookSlow) e.hook = nf++ == 0 ? tr::Hook::PreRouting : tr::Hook::LocalIn;
    if (fn == Fn::UdpQueueRcvSkb || fn == Fn::SockQueueRcvSkb) e.sock = 0;
    if (fn == Fn::SockQueueRcvSkb) e.rmem = rmem, e.rcvbuf = kRcvbuf, e.qlen = qlen;
    const bool drop = fn == drop_at && (fn != Fn::NfHookSlow || e.hook == tr::Hook::LocalIn);
    if (drop) e.kind = Kind::Drop, e.reason = reason;
    out.push_back(e);
    t += fn == Fn::Rtl8139Rx ? 240 : 90;
    if (drop) break;
  }
  return t;
}

} // namespace

std::vector<std::string> write_one_packet(const std::string& path) {
  std::vector<Event> out;
  Event dma = ev(Kind::Stage, 10000, -1, Ctx::Nic, Fn::RxRingDma, 0);
  dma.ring = 1, dma.bytes = 554;
  out.push_back(dma);
  Event irq = ev(Kind::Instant, 10000, 0, Ctx::Nic, Fn::IrqRaise);
  irq.ring = 1;
  out.push_back(irq);
  Event hard = ev(Kind::Span, 10000, 0, Ctx::Hardirq, Fn::Rtl8139Interrupt);
  hard.end = 11000;
  out.push_back(hard);
  int64_t t = softirq_path(out, 11200, 0, 0, Fn::Count_, tr::DropReason::None, kTruesize, 1);
  for (Fn fn : {Fn::Rtl8139Poll, Fn::NetRxAction, Fn::DoSoftirq}) {
    Event s = ev(Kind::Span, 11000, 0, Ctx::Softirq, fn);
    s.end = t + 200;
    out.push_back(s);
  }
  Event rcv = ev(Kind::Stage, t + 2000, 1, Ctx::Process, Fn::SkbRecvDatagram, 0);
  rcv.sock = 0, rcv.thread = 0, rcv.rmem = kTruesize, rcv.rcvbuf = kRcvbuf, rcv.qlen = 0;
  out.push_back(rcv);
  Event del = ev(Kind::Deliver, t + 2100, 1, Ctx::Process, Fn::SkbCopyDatagramMsg, 0);
  del.sock = 0, del.thread = 0, del.bytes = 512, del.latency = t + 2115 - 10000;
  out.push_back(del);
  Event recv = ev(Kind::Span, 0, 1, Ctx::Process, Fn::UdpRecvmsg);
  recv.end = t + 2300, recv.thread = 0;
  out.push_back(recv);

  tr::TraceWriter w(path);
  w.write_header(header(2));
  std::vector<std::string> stages;
  for (const Event& e : out) {
    w.write(e);
    if (e.pkt == 0) stages.emplace_back(tr::to_string(e.fn));
  }
  w.write_end(end_object(t + 3000, 1, 1, json::object(), 2));
  w.commit();
  return stages;
}

void write_flow(const std::string& path, const FlowOptions& opt) {
  std::vector<Event> out;
  std::deque<int64_t> queued;                                  // dequeue times of the datagrams on the socket
  std::vector<int64_t> free_at(std::max(1, opt.receivers), 0); // when each receiver is free again
  int64_t t_burst = 5000, delivered = 0;
  json dropped = json::object(); // by reason, as the end object counts them
  auto count_drop = [&](tr::DropReason r) {
    const std::string name(tr::to_string(r));
    dropped[name] = dropped.value(name, 0) + 1;
  };
  for (int first = 0; first < opt.packets; first += opt.burst, t_burst += opt.idle_ns) {
    const int n = std::min(opt.burst, opt.packets - first);
    out.push_back(ev(Kind::Instant, t_burst, 0, Ctx::Nic, Fn::IrqRaise));
    Event hard = ev(Kind::Span, t_burst, 0, Ctx::Hardirq, Fn::Rtl8139Interrupt);
    hard.end = t_burst + 1000;
    out.push_back(hard);
    int64_t t = t_burst + 1100;
    int ring = 0;
    for (int k = 0; k < n; ++k) {
      const int64_t pkt = first + k, arrival = t_burst + k * opt.gap_ns;
      Event dma = ev(Kind::Stage, arrival, -1, Ctx::Nic, Fn::RxRingDma, pkt);
      dma.bytes = 554, dma.ring = ++ring;
      if (pkt % 29 == 28) { // the ring was full: the frame never became an skb
        dma.kind = Kind::Drop, dma.reason = tr::DropReason::NicRingFull, --ring;
        count_drop(dma.reason);
        out.push_back(dma);
        continue;
      }
      out.push_back(dma);
      t = std::max(t, arrival + 300);
      while (!queued.empty() && queued.front() <= t) queued.pop_front();
      Fn drop_at = Fn::Count_;
      tr::DropReason reason = tr::DropReason::None;
      if (pkt % 17 == 16)
        drop_at = Fn::NfHookSlow, reason = tr::DropReason::NetfilterDrop;
      else if (static_cast<int64_t>(queued.size() + 1) * kTruesize > kRcvbuf)
        drop_at = Fn::SockQueueRcvSkb, reason = tr::DropReason::SocketRcvbuff;
      const int64_t qlen = static_cast<int64_t>(queued.size()) + (drop_at == Fn::Count_ ? 1 : 0);
      const int64_t end = softirq_path(out, t, pkt, --ring, drop_at, reason, qlen * kTruesize, qlen);
      if (drop_at != Fn::Count_) {
        count_drop(reason);
        t = end;
        continue;
      }
      const auto r = std::min_element(free_at.begin(), free_at.end());
      const int64_t thread = r - free_at.begin(), r_free = *r;
      const int64_t deq = std::max(r_free, end + 2000);
      queued.push_back(deq);
      t = end;
      Event rcv = ev(Kind::Stage, deq, 1, Ctx::Process, Fn::SkbRecvDatagram, pkt);
      rcv.sock = 0, rcv.thread = thread, rcv.rmem = static_cast<int64_t>(queued.size() - 1) * kTruesize,
      rcv.rcvbuf = kRcvbuf, rcv.qlen = static_cast<int64_t>(queued.size()) - 1;
      out.push_back(rcv);
      Event del = ev(Kind::Deliver, deq + 100, 1, Ctx::Process, Fn::SkbCopyDatagramMsg, pkt);
      del.sock = 0, del.thread = thread, del.bytes = 512, del.latency = deq + 115 - arrival;
      out.push_back(del);
      Event recv = ev(Kind::Span, std::max<int64_t>(r_free, deq - 2000), 1, Ctx::Process, Fn::UdpRecvmsg);
      recv.end = deq + 300, recv.thread = thread;
      Event work = ev(Kind::Span, deq + 300, 1, Ctx::Process, Fn::AppWork);
      work.end = deq + 4800, work.thread = thread;
      out.push_back(recv);
      out.push_back(work);
      *r = work.end;
      ++delivered;
    }
    for (Fn fn : {Fn::Rtl8139Poll, Fn::NetRxAction, Fn::DoSoftirq}) {
      Event s = ev(Kind::Span, t_burst + 1000, 0, Ctx::Softirq, fn);
      s.end = t + 300, s.work = n, s.budget = fn == Fn::NetRxAction ? 300 - n : tr::kUnset;
      out.push_back(s);
    }
  }
  tr::TraceWriter w(path);
  w.write_header(header(2, static_cast<int>(free_at.size())));
  for (const Event& e : out) w.write(e);
  const json end =
      end_object(std::max(t_burst, *std::max_element(free_at.begin(), free_at.end())), opt.packets, delivered,
                 dropped, 2, json::array({{{"cpu", 0}, {"processed", opt.packets}, {"dropped", 0}}}),
                 {{"Udp", {{"InDatagrams", delivered}}}});
  if (opt.with_end) w.write_end(end);
  w.commit();
  if (!opt.with_end) { // cut the last line in the middle, as an interrupted run leaves it
    std::ifstream in(path, std::ios::binary);
    std::string all((std::istreambuf_iterator<char>(in)), {});
    in.close();
    all.resize(all.size() - 20);
    std::ofstream(path, std::ios::binary | std::ios::trunc) << all;
  }
}

void write_sched(const std::string& path, int periods) {
  json h = header(2);
  auto task = [](const char* name, int cpu, const char* kind) {
    return json{{"name", name},      {"cpu", cpu}, {"kind", kind},
                {"policy", "other"}, {"nice", 0},  {"rt_priority", 0}};
  };
  json app = task("app", 1, "receiver");
  app["thread"] = 0;
  // The first `cpus` tasks are the CPUs' idle tasks (swapper/N), as the simulator writes them.
  h["tasks"] = json::array({task("swapper/0", 0, "idle"), task("swapper/1", 1, "idle"),
                            task("ksoftirqd/0", 0, "ksoftirqd"), task("ksoftirqd/1", 1, "ksoftirqd"), app,
                            task("stress", 1, "background"), task("sender", 0, "sender")});
  constexpr int64_t idle = 1, ksoftirqd = 3, receiver = 4, stress = 5;
  std::vector<Event> out;
  // A wake-up is on the run queue's CPU, in process context whoever woke the task (the format).
  auto wake = [&](int64_t t, int64_t who) {
    Event e = ev(Kind::Instant, t, 1, Ctx::Process, Fn::TryToWakeUp);
    e.task = who;
    out.push_back(e);
  };
  auto sw = [&](int64_t t, int64_t prev, int64_t next, tr::SwitchWhy why) {
    Event e = ev(Kind::Instant, t, 1, Ctx::Process, Fn::Schedule);
    e.prev = prev, e.next = next, e.why = why;
    out.push_back(e);
  };
  // stress runs from the start; app is woken from softirq at 10 us and preempts it at 12 us, runs
  // until it sleeps at 20 us; ksoftirqd/1 is woken at 29 us and takes the CPU at the tick (30 us)
  // until 34 us; stress exits at 40 us and the CPU idles. Each further period starts with stress
  // woken again at its 0 (it exits only in the last one; before, it sleeps at 40 us).
  constexpr int64_t kPeriod = 50000;
  for (int k = 0; k < periods; ++k) {
    const int64_t t = k * kPeriod;
    if (k > 0) wake(t, stress);
    sw(t, idle, stress, tr::SwitchWhy::Wakeup);
    wake(t + 10000, receiver);
    sw(t + 12000, stress, receiver, tr::SwitchWhy::Wakeup);
    Event recv = ev(Kind::Span, t + 12000, 1, Ctx::Process, Fn::UdpRecvmsg);
    recv.end = t + 20000, recv.thread = 0;
    out.push_back(recv);
    sw(t + 20000, receiver, stress, tr::SwitchWhy::Sleep);
    wake(t + 29000, ksoftirqd);
    sw(t + 30000, stress, ksoftirqd, tr::SwitchWhy::Tick);
    sw(t + 34000, ksoftirqd, stress, tr::SwitchWhy::Sleep);
    sw(t + 40000, stress, idle, k + 1 == periods ? tr::SwitchWhy::Exit : tr::SwitchWhy::Sleep);
  }
  tr::TraceWriter w(path);
  w.write_header(h);
  for (const Event& e : out) w.write(e);
  w.write_end(end_object(periods * kPeriod, 0, 0, json::object(), 2));
  w.commit();
}

void write_text(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
}

void write_other_version(const std::string& path, int version) {
  json h = header(2);
  h["format"] = "rxpath-trace";
  h["version"] = version;
  write_text(path, h.dump() + "\n" + R"({"k":"end","t":0})" + "\n");
}

std::vector<QueueTruth> write_multiqueue(const std::string& path, unsigned seed, int queues, int idle,
                                         int bursts) {
  constexpr int kRing = 16;
  std::mt19937 rng(seed);
  std::vector<QueueTruth> truth(static_cast<size_t>(queues));
  std::vector<Event> out;
  int64_t pkt = 0, arrived = 0;
  json dropped = json::object();
  for (int b = 0; b < bursts; ++b) {
    const int64_t t0 = 10000 + b * 100000;
    for (int q = 0; q < queues; ++q) {
      if (q == idle) continue;
      QueueTruth& qt = truth[static_cast<size_t>(q)];
      const int n = std::uniform_int_distribution<int>(1, kRing + 8)(rng); // past the ring: drops
      int ring = 0;
      std::vector<int64_t> taken;
      int64_t t = t0 + q * 20000;
      for (int k = 0; k < n; ++k, t += 200, ++pkt, ++arrived) {
        Event dma = ev(Kind::Stage, t, -1, Ctx::Nic, Fn::RxRingDma, pkt);
        dma.queue = q, dma.bytes = 298, dma.flow = q;
        qt.packets.push_back(pkt);
        if (ring == kRing) {
          dma.kind = Kind::Drop, dma.reason = tr::DropReason::NicRingFull, dma.ring = ring;
          ++qt.drops;
          dropped["NIC_RING_FULL"] = dropped.value("NIC_RING_FULL", 0) + 1;
        } else {
          dma.ring = ++ring;
          taken.push_back(pkt);
        }
        qt.fills.emplace_back(t, dma.ring);
        out.push_back(dma);
      }
      Event irq = ev(Kind::Instant, t, q, Ctx::Nic, Fn::IrqRaise);
      irq.queue = q, irq.ring = ring;
      out.push_back(irq);
      qt.irqs.push_back(t);
      qt.fills.emplace_back(t, ring);
      Event hard = ev(Kind::Span, t, q, Ctx::Hardirq, Fn::Mlx5eCompletionEvent);
      hard.end = t + 1000, hard.queue = q, hard.ring = ring;
      out.push_back(hard);
      qt.fills.emplace_back(t, ring);
      const int64_t poll0 = t + 1100;
      int64_t tp = poll0;
      for (int64_t id : taken) {
        Event cqe = ev(Kind::Stage, tp, q, Ctx::Softirq, Fn::Mlx5eHandleRxCqe, id);
        cqe.queue = q, cqe.ring = --ring;
        out.push_back(cqe);
        qt.fills.emplace_back(tp, cqe.ring);
        out.push_back(ev(Kind::Stage, tp + 100, q, Ctx::Softirq, Fn::NapiGroReceive, id));
        tp += 300;
      }
      Event poll = ev(Kind::Span, poll0, q, Ctx::Softirq, Fn::Mlx5eNapiPoll);
      poll.end = tp, poll.queue = q, poll.work = static_cast<int64_t>(taken.size());
      out.push_back(poll);
      for (Fn fn : {Fn::NetRxAction, Fn::DoSoftirq}) {
        Event s = ev(Kind::Span, poll0, q, Ctx::Softirq, fn);
        s.end = tp;
        out.push_back(s);
      }
    }
  }
  std::stable_sort(out.begin(), out.end(), [](const Event& a, const Event& b) { return a.t < b.t; });
  json h = header(queues);
  h["scenario"]["nic"] = {{"driver", "mlx5"}, {"queues", queues}, {"ring_size", kRing}};
  tr::TraceWriter w(path);
  w.write_header(h);
  for (const Event& e : out) w.write(e);
  w.write_end(end_object(out.back().t + 1000, arrived, 0, dropped, queues));
  w.commit();
  return truth;
}

} // namespace rxpath::view::testgen
