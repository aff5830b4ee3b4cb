// net/core/sock.c (sock_queue_rcv_skb, sk_add_backlog, release_sock, sock_def_readable) and
// net/ipv4/af_inet.c (inet_create, inet_bind, inet_release), 3.19.
#include "Sock.hpp"

#include "Netfilter.hpp"
#include "config/ScenarioLoader.hpp"

namespace rxpath::model {

using trace::Ctx;
using trace::DropReason;
using trace::Event;
using trace::Fn;
using trace::Kind;

Sock::Sock(Context& cx) : cx_(cx) {
  const auto& sc = cx.sc;
  for (size_t i = 0; i < sc.sockets.size(); ++i) {
    Socket s;
    s.index = static_cast<int>(i);
    s.cfg = &sc.sockets[i];
    s.rcvbuf = effective_rcvbuf(sc.sockets[i].so_rcvbuf_bytes, sc.sysctl);
    sockets_.push_back(std::move(s));
  }
  for (const auto& r : sc.receivers) {
    thread_socket_.push_back(r.socket_index);
    thread_cpu_.push_back(static_cast<int>(r.cpu));
    sockets_[static_cast<size_t>(r.socket_index)].has_reader = true;
  }
}

void Sock::create_and_bind() {
  for (auto& s : sockets_) {
    Event e = make_event(Kind::Instant, Fn::InetCreate, -1, Ctx::Process, 0);
    e.sock = s.index;
    e.rcvbuf = s.rcvbuf;
    cx_.emit(e);
    e.fn = Fn::InetBind;
    cx_.emit(e);
  }
}

void Sock::drop(const Socket& s, const Skb& skb, DropReason r, Fn where, int cpu, Ctx ctx, int64_t t) {
  Event d = make_event(Kind::Drop, where, cpu, ctx, t, &skb);
  d.sock = s.index;
  d.rmem = s.rmem_alloc;
  d.rcvbuf = s.rcvbuf;
  d.qlen = static_cast<int64_t>(s.queue.size());
  cx_.fates.drop(d, r);
}

void Sock::queue_tail(Socket& s, const Skb& skb, int cpu, Ctx ctx, int64_t t) {
  s.rmem_alloc += skb.truesize;
  s.queue.push_back(skb);
  ++cx_.c.sockets[static_cast<size_t>(s.index)].queued;
  Event e = make_event(Kind::Stage, Fn::SockQueueRcvSkb, cpu, ctx, t, &skb);
  e.sock = s.index;
  e.rmem = s.rmem_alloc;
  e.rcvbuf = s.rcvbuf;
  e.qlen = static_cast<int64_t>(s.queue.size());
  cx_.emit(e);
}

// sock_queue_rcv_skb: rmem_alloc >= rcvbuf -> sk_drops, -ENOMEM; sk_filter; skb_set_owner_r and
// __skb_queue_tail.
Sock::QueueResult Sock::sock_queue_rcv_skb(Socket& s, const Skb& skb, int cpu, Ctx ctx, int64_t t) {
  if (s.rmem_alloc >= s.rcvbuf) {
    ++cx_.c.sockets[static_cast<size_t>(s.index)].drops;
    return QueueResult::NoMem;
  }
  if (s.cfg->has_filter && !matches(s.cfg->filter_accept, skb)) return QueueResult::Filtered;
  queue_tail(s, skb, cpu, ctx, t);
  return QueueResult::Queued;
}

void Sock::add_backlog(Socket& s, const Skb& skb, int cpu, Ctx ctx, int64_t t) {
  s.backlog.push_back(skb);
  s.backlog_len += skb.truesize;
  ++cx_.c.sockets[static_cast<size_t>(s.index)].backlog;
  Event e = make_event(Kind::Stage, Fn::SkAddBacklog, cpu, ctx, t, &skb);
  e.sock = s.index;
  e.rmem = s.rmem_alloc;
  e.rcvbuf = s.rcvbuf;
  cx_.emit(e);
}

// sock_def_readable: wake_up_interruptible_sync_poll wakes one exclusive waiter.
int Sock::sk_data_ready(Socket& s, int cpu, Ctx ctx, int64_t t) {
  Event e = make_event(Kind::Instant, Fn::SkDataReady, cpu, ctx, t);
  e.sock = s.index;
  int wake = -1;
  if (!s.waiters.empty()) {
    wake = s.waiters.front();
    s.waiters.pop_front();
    e.thread = wake;
  }
  if (cx_.traced || wake >= 0) cx_.emit(e);
  return wake;
}

// release_sock / __release_sock: sk_backlog_rcv for each skb of the backlog, then the lock is
// released.
int64_t Sock::release_sock(int sock, int thread, int64_t now, int* wake) {
  Socket& s = socket(sock);
  const int cpu = cpu_of(thread);
  int64_t cost = cx_.draw(cx_.costs.release_sock_ns);
  *wake = -1;
  while (!s.backlog.empty()) {
    Skb skb = s.backlog.front();
    s.backlog.pop_front();
    cost += cx_.draw(cx_.costs.sock_queue_rcv_skb_ns);
    if (backlog_rcv(s, skb, cpu, now) && *wake < 0) *wake = sk_data_ready(s, cpu, Ctx::Process, now);
  }
  s.backlog_len = 0;
  s.owned_by_user = false;
  return cost;
}

// inet_release -> udp_lib_close -> sk_common_release: the queues purged.
void Sock::close_all(int64_t now) {
  for (auto& s : sockets_) {
    for (auto* q : {&s.queue, &s.backlog}) {
      while (!q->empty()) {
        Skb skb = q->front();
        q->pop_front();
        if (q == &s.queue) s.rmem_alloc -= skb.truesize;
        Event e = make_event(Kind::Drop, Fn::InetRelease, -1, Ctx::Process, now, &skb);
        e.sock = s.index;
        cx_.fates.drop(e, DropReason::SocketClose);
      }
    }
    s.backlog_len = 0;
  }
}

int64_t Sock::stranded() const {
  int64_t n = 0;
  for (const auto& s : sockets_)
    if (!s.has_reader) n += static_cast<int64_t>(s.queue.size() + s.backlog.size());
  return n;
}

bool Sock::drained() const {
  for (const auto& s : sockets_)
    if (s.has_reader && (!s.queue.empty() || !s.backlog.empty())) return false;
  return true;
}

} // namespace rxpath::model
