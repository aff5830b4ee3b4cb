// `rxpath import-host` (ImportHost.hpp): the live source (this machine's /proc and /sys, and
// ethtool when it is installed), the offline one (model::host::DirSource), and the output.
#include "cli/ImportHost.hpp"

#include "model/config/HostImport.hpp"
#include "process/Spawn.hpp"
#include "trace/OutputFile.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <sstream>

#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

namespace fs = std::filesystem;
using namespace rxpath::model::host;

namespace rxpath::cli {
namespace {

constexpr int kBadInput = 2;

int bad(const std::string& msg) {
  std::cerr << "rxpath: error: import-host: " << msg << "\n";
  return kBadInput;
}

// ethtool in PATH, or where Debian puts it (/usr/sbin is not in a user's PATH there).
std::string find_ethtool() {
  std::vector<std::string> dirs;
  if (const char* p = std::getenv("PATH")) {
    std::stringstream ss(p);
    std::string d;
    while (std::getline(ss, d, ':'))
      if (!d.empty()) dirs.push_back(d);
  }
  dirs.insert(dirs.end(), {"/usr/sbin", "/sbin"});
  for (const auto& d : dirs) {
    const auto path = d + "/ethtool";
    struct stat st {};
    if (::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(path.c_str(), X_OK) == 0)
      return path;
  }
  return {};
}

// A temporary directory for ethtool's outputs, removed at the end.
struct TempDir {
  std::string path;
  TempDir() {
    std::string t = (fs::temp_directory_path() / "rxpath-import-XXXXXX").string();
    if (::mkdtemp(t.data())) path = t;
  }
  ~TempDir() {
    std::error_code ec;
    if (!path.empty()) fs::remove_all(path, ec);
  }
};

class LiveSource : public HostSource {
public:
  explicit LiveSource(std::string dev) : dev_(std::move(dev)), ethtool_(find_ethtool()) {}

  std::string dev() const override { return dev_; }

  Read read(Item item, const std::string& arg) override {
    const std::string net = "/sys/class/net/" + dev_;
    switch (item) {
    case Item::Sysctl: {
      std::string p = arg;
      std::replace(p.begin(), p.end(), '.', '/');
      auto r = file("/proc/sys/" + p);
      if (!r.ok && r.error == "missing") r.error = "missing (this kernel has no such sysctl)";
      return r;
    }
    case Item::EthtoolL:
      return ethtool({"-l", dev_});
    case Item::EthtoolG:
      return ethtool({"-g", dev_});
    case Item::EthtoolC:
      return ethtool({"-c", dev_});
    case Item::EthtoolX:
      return ethtool({"-x", dev_});
    case Item::EthtoolK:
      return ethtool({"-k", dev_});
    case Item::EthtoolI:
      return ethtool({"-i", dev_});
    case Item::EthtoolN:
      return ethtool({"-n", dev_, "rx-flow-hash", "udp4"});
    case Item::Interrupts:
      return file("/proc/interrupts");
    case Item::SmpAffinity:
      return file("/proc/irq/" + arg + "/smp_affinity_list");
    case Item::RxQueues: {
      Read r;
      r.source = net + "/queues";
      std::error_code ec;
      for (const auto& e : fs::directory_iterator(r.source, ec))
        if (e.path().filename().string().rfind("rx-", 0) == 0) r.text += e.path().filename().string() + "\n";
      if (ec) {
        r.error = ec.message();
        return r;
      }
      r.ok = true;
      return r;
    }
    case Item::RpsCpus:
      return file(net + "/queues/" + arg + "/rps_cpus");
    case Item::Threaded:
      return file(net + "/threaded");
    case Item::DeferHardIrqs:
      return file(net + "/napi_defer_hard_irqs");
    case Item::GroFlush:
      return file(net + "/gro_flush_timeout");
    case Item::CpuOnline:
      return file("/sys/devices/system/cpu/online");
    case Item::UnameR: {
      Read r;
      r.source = "uname -r";
      struct utsname u {};
      if (::uname(&u) != 0) {
        r.error = std::strerror(errno);
        return r;
      }
      r.ok = true;
      r.text = u.release;
      return r;
    }
    case Item::KernelConfig: {
      auto r = file("/boot/config-" + arg);
      if (!r.ok && r.error == "missing") r.error = "missing (no kernel config installed for this release)";
      return r;
    }
    case Item::Device: {
      Read r;
      r.source = net + "/device";
      std::error_code ec;
      const auto target = fs::read_symlink(r.source, ec);
      if (ec) {
        r.error = ec.message();
        return r;
      }
      r.ok = true;
      r.text = target.filename().string();
      return r;
    }
    }
    return {};
  }

private:
  std::string dev_, ethtool_;
  TempDir tmp_;

  static Read file(const std::string& path) { return read_text_file(path, path); }

  Read ethtool(const std::vector<std::string>& args) {
    Read r;
    r.source = "ethtool";
    for (const auto& a : args) r.source += " " + a;
    if (ethtool_.empty()) {
      r.error = "not installed (no ethtool in PATH, /usr/sbin or /sbin; Debian: apt install ethtool)";
      return r;
    }
    if (tmp_.path.empty()) {
      r.error = "no temporary directory for its output";
      return r;
    }
    process::SpawnOptions so;
    so.stdout_path = tmp_.path + "/out";
    so.stderr_path = tmp_.path + "/err";
    std::vector<std::string> argv{ethtool_};
    argv.insert(argv.end(), args.begin(), args.end());
    const int rc = process::run(argv, so);
    auto out = read_text_file(so.stdout_path, r.source);
    auto err = read_text_file(so.stderr_path, r.source);
    if (rc != 0) {
      std::string why = err.ok ? err.text.substr(0, err.text.find('\n')) : "";
      if (why.empty() && out.ok) why = out.text.substr(0, out.text.find('\n'));
      r.error = (rc < 0 ? std::string("did not run") : "failed (exit " + std::to_string(rc) + ")") +
                (why.empty() ? "" : ": " + why);
      return r;
    }
    if (!out.ok) {
      r.error = "its output could not be read: " + out.error;
      return r;
    }
    r.ok = true;
    r.text = std::move(out.text);
    return r;
  }
};

// JSON with two-space indents, but an array of numbers or strings on one line (a 128-entry
// indirection table stays readable).
void pretty(std::ostream& os, const nlohmann::json& j, int indent) {
  const std::string pad(static_cast<size_t>(indent), ' ');
  if (j.is_object() && !j.empty()) {
    os << "{\n";
    size_t i = 0;
    for (auto it = j.begin(); it != j.end(); ++it, ++i) {
      os << pad << "  " << nlohmann::json(it.key()).dump() << ": ";
      pretty(os, *it, indent + 2);
      os << (i + 1 < j.size() ? ",\n" : "\n");
    }
    os << pad << "}";
  } else if (j.is_array() &&
             std::any_of(j.begin(), j.end(), [](const auto& e) { return e.is_structured(); })) {
    os << "[\n";
    for (size_t i = 0; i < j.size(); ++i) {
      os << pad << "  ";
      pretty(os, j[i], indent + 2);
      os << (i + 1 < j.size() ? ",\n" : "\n");
    }
    os << pad << "]";
  } else if (j.is_array()) {
    os << "[";
    for (size_t i = 0; i < j.size(); ++i) os << (i ? ", " : "") << j[i].dump();
    os << "]";
  } else {
    os << j.dump();
  }
}

} // namespace

int import_host(const ImportHostOptions& o) {
  if (o.from.empty() && o.dev.empty())
    return bad("give --dev DEV (this machine) or --from DIR (saved outputs)");
  if (!o.dev.empty() && (o.dev.find('/') != std::string::npos || o.dev == "." || o.dev == ".."))
    return bad("--dev " + o.dev + ": not an interface name");
  std::unique_ptr<HostSource> src;
  if (!o.from.empty()) {
    std::error_code ec;
    if (!fs::is_directory(o.from, ec))
      return bad("--from " + o.from + ": " +
                 (fs::exists(o.from, ec) ? "not a directory" : "no such directory"));
    src = std::make_unique<DirSource>(o.from, o.dev);
  } else {
    std::error_code ec;
    if (!fs::exists("/sys/class/net/" + o.dev, ec)) {
      std::string have;
      for (const auto& e : fs::directory_iterator("/sys/class/net", ec))
        have += (have.empty() ? "" : ", ") + e.path().filename().string();
      return bad("--dev " + o.dev + ": no such network interface (/sys/class/net/" + o.dev + " missing" +
                 (have.empty() ? "" : "; this machine has " + have) + ")");
    }
    src = std::make_unique<LiveSource>(o.dev);
  }

  // The base first: a bad one is refused before anything is read or written.
  nlohmann::json base;
  if (!o.merge.empty()) {
    const auto rd = read_text_file(o.merge, o.merge);
    if (!rd.ok)
      return bad("--merge " + o.merge +
                 ": cannot read the base scenario: " + (rd.error == "missing" ? "no such file" : rd.error));
    try {
      base = nlohmann::json::parse(rd.text, nullptr, true, /*ignore_comments=*/true);
    } catch (const nlohmann::json::parse_error& e) {
      return bad("--merge " + o.merge + ": not valid JSON (" + e.what() + ")");
    }
    if (!base.is_object()) return bad("--merge " + o.merge + ": expected a JSON object (a scenario)");
  }
  if (!o.out.empty())
    trace::check_output_path(o.out, o.merge.empty() ? std::vector<std::string>{} : std::vector{o.merge});

  const auto r = model::host::import_host(*src);
  for (const auto& i : r.info) std::cerr << "rxpath import-host: " << i << "\n";
  for (const auto& n : r.notes) std::cerr << "rxpath import-host: left out: " << n.text << "\n";

  const auto doc = o.merge.empty() ? r.fragment : overlay(base, r.fragment);
  std::ostringstream os;
  pretty(os, doc, 0);
  const std::string text = os.str() + "\n";
  if (o.out.empty() || o.out == "-") {
    std::cout << text << std::flush;
    return std::cout ? 0 : 1;
  }
  trace::OutputFile f(o.out, o.merge.empty() ? std::vector<std::string>{} : std::vector{o.merge});
  f.write(text);
  f.commit();
  std::cerr << "rxpath import-host: wrote " << o.out << " (" << fragment_keys(r.fragment).size()
            << " keys read, " << r.notes.size() << " notes)\n";
  return 0;
}

} // namespace rxpath::cli
