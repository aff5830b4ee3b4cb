#include "ChromeExport.hpp"

#include "ExportOutput.hpp"
#include "ExportWalk.hpp"

#include <cstdio>

namespace rxpath::trace {
namespace {

// Chrome's timestamps are microseconds; written exactly as µs with three decimals (ns), the sign
// once in front (-1.500, not -1.-500).
void put_us(std::ostream& os, int64_t ns) {
  const uint64_t mag = ns < 0 ? 0 - static_cast<uint64_t>(ns) : static_cast<uint64_t>(ns);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%s%llu.%03llu", ns < 0 ? "-" : "",
                static_cast<unsigned long long>(mag / 1000), static_cast<unsigned long long>(mag % 1000));
  os << buf;
}

// A JSON string literal (RFC 8259 §7): names come from the user's scenario.
void put_str(std::ostream& os, std::string_view s) {
  os << '"';
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (c == '"' || c == '\\') {
      os << '\\' << ch;
    } else if (c < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      os << buf;
    } else {
      os << ch;
    }
  }
  os << '"';
}

class ChromeWriter : public ExportHandler {
public:
  explicit ChromeWriter(ExportOutput& out) : out_(out) {}

  void begin(const nlohmann::json&) override {
    os_ = &out_.open();
    *os_ << "{\"displayTimeUnit\":\"ns\",\"traceEvents\":[\n";
  }
  void end() { *os_ << "\n]}\n"; }
  long written() const { return n_; }

  void lane(const Lane& l) override {
    sep();
    *os_ << R"({"ph":"M","name":"process_name","pid":)" << l.id << R"(,"args":{"name":)";
    put_str(*os_, l.name);
    *os_ << "}}";
    sep();
    *os_ << R"({"ph":"M","name":"process_sort_index","pid":)" << l.id << R"(,"args":{"sort_index":)"
         << l.rank() << "}}";
  }
  void track(const Track& t) override {
    sep();
    *os_ << R"({"ph":"M","name":"thread_name","pid":)" << t.lane->id << ",\"tid\":" << t.id
         << R"(,"args":{"name":)";
    put_str(*os_, t.name);
    *os_ << "}}";
  }
  void counter(const Counter&) override {}

  void span(const Event& e, const Track& t, std::string_view name) override {
    sep();
    *os_ << R"({"ph":"X","name":)";
    put_str(*os_, name);
    *os_ << ",\"cat\":\"" << to_string(e.ctx) << "\",\"pid\":" << t.lane->id << ",\"tid\":" << t.id
         << ",\"ts\":";
    put_us(*os_, e.t);
    *os_ << ",\"dur\":";
    put_us(*os_, e.end - e.t);
    if (e.work >= 0) *os_ << ",\"args\":{\"work\":" << e.work << "}";
    *os_ << "}";
  }

  // Zero-length complete events rather than instants, so that flow arrows (flow v2: bind_id,
  // flow_in, flow_out) attach to the packet's own event and not to whatever slice encloses it.
  void event(const PacketEvent& p, std::string_view name) override {
    const Event& e = p.e;
    sep();
    *os_ << R"({"ph":"X","dur":0,"name":)";
    if (e.kind == Kind::Drop)
      put_str(*os_, std::string(name) + " DROP " + std::string(to_string(e.reason)));
    else
      put_str(*os_, name);
    *os_ << ",\"cat\":\"" << to_string(e.kind) << "\",\"pid\":" << p.track->lane->id
         << ",\"tid\":" << p.track->id << ",\"ts\":";
    put_us(*os_, e.t);
    const uint64_t flow = p.flow_out ? p.flow_out : p.flow_in;
    if (flow) {
      *os_ << ",\"bind_id\":" << flow;
      if (p.flow_in) *os_ << ",\"flow_in\":true";
      if (p.flow_out) *os_ << ",\"flow_out\":true";
    }
    *os_ << ",\"args\":{";
    const char* comma = "";
    auto arg = [&](const char* k, int64_t v) {
      if (v == kUnset) return;
      *os_ << comma << '"' << k << "\":" << v;
      comma = ",";
    };
    arg("pkt", e.pkt);
    arg("frag", e.frag);
    if (e.kind == Kind::Drop) {
      *os_ << comma << "\"reason\":\"" << to_string(e.reason) << '"';
      comma = ",";
    }
    arg("bytes", e.bytes);
    arg("latency_ns", e.latency);
    *os_ << "}}";
  }

  void value(const Counter& c, int64_t t, int64_t v) override {
    sep();
    *os_ << R"({"ph":"C","name":)";
    put_str(*os_, c.name);
    *os_ << ",\"pid\":" << c.lane->id << ",\"ts\":";
    put_us(*os_, t);
    *os_ << ",\"args\":{\"" << (c.bytes ? "bytes" : "count") << "\":" << v << "}}";
  }

private:
  void sep() { *os_ << (n_++ ? ",\n" : ""); }

  ExportOutput& out_;
  std::ostream* os_ = nullptr;
  long n_ = 0;
};

} // namespace

long export_chrome(const std::string& in, const std::string& out) {
  ExportOutput file(out, in);
  TraceReader r(in);
  require_end_object(in);
  ChromeWriter w(file);
  walk_trace(r, w);
  w.end();
  file.commit();
  return w.written();
}

} // namespace rxpath::trace
