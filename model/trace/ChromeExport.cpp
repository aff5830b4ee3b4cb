#include "ChromeExport.hpp"

#include "TraceReader.hpp"

#include <cstdio>
#include <fstream>
#include <set>
#include <stdexcept>
#include <unordered_map>

namespace rxpath::trace {
namespace {

// Chrome's timestamps are microseconds (fractions allowed).
std::string us(int64_t ns) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%lld.%03lld", static_cast<long long>(ns / 1000),
                static_cast<long long>(ns % 1000));
  return buf;
}

int pid_of(const Event& e) {
  return e.cpu < 0 ? 0 : e.cpu + 1;
}
// A thread per context; receiver threads (process context) each get their own.
int tid_of(const Event& e) {
  return e.ctx == Ctx::Process && e.thread >= 0 ? 10 + static_cast<int>(e.thread) : static_cast<int>(e.ctx);
}

} // namespace

long export_chrome(const std::string& in, const std::string& out) {
  TraceReader r(in);
  const std::string tmp = out + ".tmp";
  std::ofstream os(tmp, std::ios::binary);
  if (!os) throw TraceError(out + ": cannot write");
  os << "{\"displayTimeUnit\":\"ns\",\"traceEvents\":[\n";
  long n = 0;
  auto sep = [&] { os << (n++ ? ",\n" : ""); };
  // Names of the processes (CPUs) and threads (contexts, receiver threads).
  sep();
  os << R"({"ph":"M","name":"process_name","pid":0,"args":{"name":"NIC"}})";
  std::set<std::pair<int, int>> named_threads;
  for (int c = 0; c < r.cpus(); ++c) {
    sep();
    os << R"({"ph":"M","name":"process_name","pid":)" << c + 1 << R"(,"args":{"name":"CPU )" << c << "\"}}";
  }
  const auto& receivers = r.header().value("receivers", nlohmann::json::array());
  std::unordered_map<int64_t, int> flow;
  Event e;
  while (r.next(e)) {
    const int pid = pid_of(e), tid = tid_of(e);
    if (named_threads.insert({pid, tid}).second) {
      std::string name(to_string(e.ctx));
      if (tid >= 10 && e.thread >= 0 && e.thread < static_cast<int64_t>(receivers.size()))
        name = receivers[e.thread].value("name", "thread");
      sep();
      os << R"({"ph":"M","name":"thread_name","pid":)" << pid << ",\"tid\":" << tid << R"(,"args":{"name":")"
         << name << "\"}}";
    }
    sep();
    const std::string name(to_string(e.fn));
    if (e.kind == Kind::Span) {
      os << R"({"ph":"X","name":")" << name << "\",\"cat\":\"" << to_string(e.ctx) << "\",\"pid\":" << pid
         << ",\"tid\":" << tid << ",\"ts\":" << us(e.t) << ",\"dur\":" << us(e.end - e.t);
      if (e.work >= 0) os << ",\"args\":{\"work\":" << e.work << "}";
      os << "}";
      continue;
    }
    os << R"({"ph":"i","s":"t","name":")" << name;
    if (e.kind == Kind::Drop) os << " DROP " << to_string(e.reason);
    os << "\",\"cat\":\"" << to_string(e.kind) << "\",\"pid\":" << pid << ",\"tid\":" << tid
       << ",\"ts\":" << us(e.t) << ",\"args\":{";
    if (e.pkt >= 0) os << "\"pkt\":" << e.pkt;
    os << "}}";
    // Flow arrows: one flow per packet, from its first stage to its fate.
    if (e.pkt >= 0 && (e.kind == Kind::Stage || e.kind == Kind::Drop || e.kind == Kind::Deliver)) {
      auto& state = flow[e.pkt]; // 0: not started, 1: started, 2: ended
      if (state == 2) continue;
      const char* ph = state == 0 ? "s" : e.kind == Kind::Stage ? "t" : "f";
      state = e.kind == Kind::Stage ? 1 : 2;
      if (state == 2 && ph[0] == 's') continue; // a fate with no stage before it: nothing to link
      sep();
      os << R"({"ph":")" << ph << R"(","bp":"e","name":"packet","cat":"packet","id":)" << e.pkt
         << ",\"pid\":" << pid << ",\"tid\":" << tid << ",\"ts\":" << us(e.t) << "}";
    }
  }
  os << "\n]}\n";
  os.close();
  if (!os) throw TraceError(out + ": write failed");
  if (std::rename(tmp.c_str(), out.c_str()) != 0) throw TraceError(out + ": cannot rename " + tmp);
  return n;
}

} // namespace rxpath::trace
