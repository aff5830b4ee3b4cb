#include "TraceReader.hpp"

namespace rxpath::trace {
namespace {

int64_t get_int(const nlohmann::json& j, const char* key, const std::string& where, bool required) {
  auto it = j.find(key);
  if (it == j.end()) {
    if (required) throw TraceError(where + ": missing key \"" + key + "\" (expected an integer)");
    return kUnset;
  }
  if (!it->is_number_integer())
    throw TraceError(where + ": key \"" + key + "\": expected an integer, found " + it->dump());
  return it->get<int64_t>();
}

template <typename T, typename F>
T get_enum(const nlohmann::json& j, const char* key, const std::string& where, F from_string,
           const char* expected) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_string())
    throw TraceError(where + ": key \"" + key + "\": expected " + expected);
  auto v = from_string(it->get_ref<const std::string&>());
  if (!v)
    throw TraceError(where + ": key \"" + key + "\": unknown value " + it->dump() + " (expected " + expected +
                     ")");
  return *v;
}

} // namespace

TraceReader::TraceReader(std::string path) : path_(std::move(path)), in_(path_, std::ios::binary) {
  if (!in_) throw TraceError(path_ + ": cannot open the file");
  in_.seekg(0, std::ios::end);
  bytes_total_ = static_cast<int64_t>(in_.tellg());
  in_.seekg(0, std::ios::beg);
  if (!std::getline(in_, line_)) fail("the file is empty (expected an rxpath trace header)");
  line_no_ = 1;
  try {
    header_ = nlohmann::json::parse(line_);
  } catch (const nlohmann::json::exception&) {
    fail("not an rxpath trace: the first line is not a JSON object");
  }
  if (!header_.is_object() || header_.value("format", "") != kFormatName)
    fail("not an rxpath trace: the header has no \"format\": \"rxpath-trace\"");
  auto v = header_.find("version");
  if (v == header_.end() || !v->is_number_integer()) fail("the header has no integer \"version\"");
  if (v->get<int>() < kOldestSchemaVersion || v->get<int>() > kSchemaVersion)
    fail("schema version " + std::to_string(v->get<int>()) + " is not supported (this build reads versions " +
         std::to_string(kOldestSchemaVersion) + " to " + std::to_string(kSchemaVersion) + ")");
  auto c = header_.find("cpus");
  if (c == header_.end() || !c->is_number_integer() || c->get<int>() < 1)
    fail("the header's \"cpus\" must be a positive integer");
  cpus_ = c->get<int>();
}

void TraceReader::fail(const std::string& what) const {
  throw TraceError(path_ + ":" + std::to_string(line_no_) + ": " + what);
}

Event TraceReader::parse_event(const nlohmann::json& j, const std::string& where) {
  Event e;
  e.kind = get_enum<Kind>(j, "k", where, kind_from_string, "span|stage|drop|deliver|instant");
  e.ctx = get_enum<Ctx>(j, "ctx", where, ctx_from_string, "nic|hardirq|softirq|ksoftirqd|process");
  e.fn = get_enum<Fn>(j, "fn", where, fn_from_name, "a kernel function name from the header's \"functions\"");
  e.t = get_int(j, "t", where, true);
  e.cpu = static_cast<int32_t>(get_int(j, "cpu", where, true));
  e.end = get_int(j, "end", where, e.kind == Kind::Span);
  e.pkt = get_int(j, "pkt", where, e.kind == Kind::Stage || e.kind == Kind::Drop || e.kind == Kind::Deliver);
  e.frag = get_int(j, "frag", where, false);
  e.flow = get_int(j, "flow", where, false);
  e.ring = get_int(j, "ring", where, false);
  e.backlog = get_int(j, "backlog", where, false);
  e.rmem = get_int(j, "rmem", where, false);
  e.rcvbuf = get_int(j, "rcvbuf", where, false);
  e.qlen = get_int(j, "qlen", where, false);
  e.budget = get_int(j, "budget", where, false);
  e.work = get_int(j, "work", where, false);
  e.sock = get_int(j, "sock", where, false);
  e.thread = get_int(j, "thread", where, false);
  e.bytes = get_int(j, "bytes", where, false);
  e.latency = get_int(j, "latency", where, false);
  // A drop has its reason; so has an instant for a fragment dropped after its datagram's fate.
  if (e.kind == Kind::Drop || j.contains("reason"))
    e.reason = get_enum<DropReason>(j, "reason", where, drop_reason_from_string, "a drop reason");
  if (auto h = j.find("hook"); h != j.end()) {
    if (*h == "PRE_ROUTING")
      e.hook = Hook::PreRouting;
    else if (*h == "LOCAL_IN")
      e.hook = Hook::LocalIn;
    else
      throw TraceError(where + ": key \"hook\": expected PRE_ROUTING or LOCAL_IN");
  }
  if (auto tr = j.find("trunc"); tr != j.end()) e.trunc = tr->is_boolean() && tr->get<bool>();
  return e;
}

bool TraceReader::next(Event& e) {
  while (!done_) {
    if (!std::getline(in_, line_)) {
      done_ = true;
      truncated_ = true; // no end object
      return false;
    }
    ++line_no_;
    const bool complete_line = !in_.eof(); // getline hit '\n'
    if (line_.empty()) continue;
    nlohmann::json j;
    try {
      j = nlohmann::json::parse(line_);
    } catch (const nlohmann::json::exception&) {
      if (!complete_line) { // the last line was cut short: stop at the last full event
        done_ = true;
        truncated_ = true;
        return false;
      }
      fail("not a JSON object");
    }
    if (!j.is_object()) fail("not a JSON object");
    if (j.value("k", "") == "end") {
      end_ = std::move(j);
      done_ = true;
      return false;
    }
    e = parse_event(j, path_ + ":" + std::to_string(line_no_));
    return true;
  }
  return false;
}

} // namespace rxpath::trace
