// rxpath: run, validate and summarise scenarios of the Linux UDP receive path.
#include "cli/Calibrate.hpp"
#include "cli/Compare.hpp"
#include "cli/ImportHost.hpp"
#include "cli/Summary.hpp"
#include "cli/Sweep.hpp"
#include "model/analysis/Sweep.hpp"
#include "model/config/ScenarioLoader.hpp"
#include "process/Spawn.hpp"
#include "rxpath/Version.hpp"
#include "sim/Simulation.hpp"
#include "trace/ChromeExport.hpp"
#include "trace/EndObject.hpp"
#include "trace/OutputFile.hpp"
#include "trace/PcapExport.hpp"
#include "trace/PerfettoExport.hpp"
#include "trace/TraceReader.hpp"

#include <CLI/CLI.hpp>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <thread>

#include <cerrno>
#include <cstring>
#include <unistd.h>

namespace fs = std::filesystem;
using namespace rxpath;

namespace {

constexpr int kBadInput = 2;

int bad_input(const std::string& msg) {
  std::cerr << "rxpath: error: " << msg << "\n";
  return kBadInput;
}

std::vector<model::Override> overrides(const std::vector<std::string>& sets) {
  std::vector<model::Override> out;
  for (const auto& s : sets) out.push_back(model::parse_override(s));
  return out;
}

struct RunArgs {
  std::string scenario, trace, result_json;
  std::vector<std::string> sets;
  std::optional<int64_t> seed;
  bool no_trace = false, quiet = false, progress = false;
};

int cmd_run(RunArgs a) {
  auto ls = model::load_scenario(a.scenario, overrides(a.sets), a.seed);
  sim::RunOptions opt;
  if (!a.no_trace) {
    if (a.trace.empty()) a.trace = fs::path(a.scenario).stem().string() + ".trace.jsonl";
    trace::check_output_path(a.trace, {a.scenario});
    opt.trace_path = a.trace;
  }
  if (!a.result_json.empty()) trace::check_output_path(a.result_json, {a.scenario});
  // With the trace on standard output, the summary goes to standard error.
  std::ostream& report = a.trace == "-" && !a.no_trace ? std::cerr : std::cout;
  opt.progress = a.progress ? sim::RunOptions::Progress::Machine
                 : a.quiet  ? sim::RunOptions::Progress::Off
                            : sim::RunOptions::Progress::Human;
  auto out = sim::simulate(ls, opt);
  const auto summary = trace::read_run_summary(out.end, a.scenario, ls.scenario.cpus);
  if (!a.quiet) {
    cli::print_summary(report, out.header, summary, out.stats);
    if (opt.trace_path) report << "\nTrace: " << *opt.trace_path << " (" << out.events << " events)\n";
  }
  if (!a.result_json.empty()) { // for `rxpath sweep`: written whole or not at all
    trace::OutputFile f(a.result_json, {a.scenario});
    f.write(model::run_result(out.stats, summary).dump() + "\n");
    f.commit();
  }
  if (out.stats.fate_errors != 0) {
    std::cerr << "rxpath: internal error: " << out.stats.fate_errors
              << " datagrams without exactly one fate\n";
    return 1;
  }
  return 0;
}

int cmd_plot(std::vector<std::string> args) {
  const fs::path tool = fs::read_symlink("/proc/self/exe").parent_path() / "rxpath-plot";
  if (!fs::exists(tool))
    return bad_input("plot: " + tool.string() +
                     " not found; it is built with the viewer (qt6-base-dev, qt6-charts-dev, qt6-svg-dev; "
                     "cmake -DRXPATH_BUILD_GUI=ON)");
  args.insert(args.begin(), tool.string());
  std::vector<char*> argv;
  for (auto& s : args) argv.push_back(s.data());
  argv.push_back(nullptr);
  execv(argv[0], argv.data());
  return bad_input("plot: cannot run " + tool.string() + ": " + std::strerror(errno));
}

int cmd_summary(const std::string& file) {
  trace::TraceReader r(file);
  model::Stats stats;
  trace::Event e;
  while (r.next(e)) stats.emit(e);
  if (!r.has_end())
    return bad_input(file + ": the trace is truncated at line " + std::to_string(r.line()) +
                     " (no end object): no counters to summarise");
  cli::print_summary(std::cout, r.header(), trace::read_run_summary(r.end(), file, r.cpus()), stats.result());
  return 0;
}

int cmd_params(bool markdown) {
  if (markdown) std::cout << "| key | type | default | range | meaning |\n|---|---|---|---|---|\n";
  for (const auto& d : model::scenario_reference()) {
    if (markdown)
      std::cout << "| `" << d.path << "` | " << d.type << " | "
                << (d.default_value.empty() ? "" : "`" + d.default_value + "`") << " | " << d.range << " | "
                << d.description << " |\n";
    else
      std::cout << d.path << " (" << d.type << (d.default_value.empty() ? "" : ", default " + d.default_value)
                << ")\n    " << d.description << "\n";
  }
  return 0;
}

} // namespace

int main(int argc, char** argv) {
  trace::install_output_cleanup();
  // An interrupted sweep or calibration terminates the runs it started.
  trace::on_fatal_signal(process::terminate_children);
  CLI::App app{"rxpath: a discrete-event simulator of the Linux UDP receive path (NIC -> recvfrom)"};
  app.set_version_flag("--version", std::string("rxpath ") + kVersion);
  app.require_subcommand(1);

  std::string scenario, trace_in;
  std::vector<std::string> sets;
  bool markdown = false;

  RunArgs ra;
  auto* run = app.add_subcommand("run", "Simulate a scenario, print its summary and write its trace");
  run->add_option("SCENARIO", ra.scenario, "Scenario file (JSON, comments allowed)")->required();
  run->add_option("-o,--output", ra.trace,
                  "Trace file to write, - for standard output (default: SCENARIO-NAME.trace.jsonl)");
  run->add_option("--set", ra.sets,
                  "Override a parameter: KEY=VALUE (e.g. net.core.netdev_budget=64, nic.ring_size=512)");
  run->add_option("--seed", ra.seed, "Random seed (overrides the scenario's)");
  run->add_flag("--no-trace", ra.no_trace, "Do not write a trace");
  run->add_flag("-q,--quiet", ra.quiet, "Print nothing on success");
  run->add_flag("--progress", ra.progress,
                "Print 'progress F' lines on stderr (F from 0 to 1), for programs");
  run->add_option("--result-json", ra.result_json, "Also write the run's metrics as JSON (used by sweep)");

  cli::SweepOptions sw;
  std::string shard;
  auto* sweep =
      app.add_subcommand("sweep", "Run a scenario over a grid of parameter values and seeds, in parallel");
  sweep->add_option("SCENARIO", sw.scenario, "Scenario file")->required();
  sweep->add_option("--set", sw.sets, "KEY=V1,V2,... : a swept parameter (the grid is the cartesian product)")
      ->required();
  sweep->add_option("--seeds", sw.seeds, "Seeds per point (the scenario's seed, +1, ...)")
      ->check(CLI::Range(1, 1000));
  sw.jobs = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  sweep->add_option("-j,--jobs", sw.jobs, "Runs at once (default: the number of cores)")
      ->check(CLI::Range(1, 1024));
  sweep->add_option("-o,--output", sw.out, "Results: OUT.csv, OUT.json and OUT.runs/ (default: sweep)");
  sweep->add_option("--shard", shard,
                    "I/N: run only slice I (from 0) of N of the grid; join slices with merge");
  sweep->add_flag("--resume", sw.resume, "Skip the runs whose results OUT.runs/ already has");

  std::string cmp_a, cmp_b;
  auto* cmp = app.add_subcommand("compare", "Compare two traces of the same traffic, packet by packet");
  cmp->add_option("A", cmp_a, "First trace")->required();
  cmp->add_option("B", cmp_b, "Second trace")->required();

  std::string merge_out = "merged";
  std::vector<std::string> merge_in;
  auto* merge = app.add_subcommand("merge", "Join the results of sweep shards");
  merge->add_option("RESULTS", merge_in, "OUT.json files of the shards")->required();
  merge->add_option("-o,--output", merge_out, "Merged results: OUT.csv, OUT.json");

  auto* validate = app.add_subcommand("validate", "Check a scenario file without running it");
  validate->add_option("SCENARIO", scenario, "Scenario file")->required();
  validate->add_option("--set", sets, "Override a parameter: KEY=VALUE");

  auto* summary = app.add_subcommand("summary", "Print the summary of an existing trace");
  summary->add_option("TRACE", trace_in, "Trace file")->required();

  std::string format = "chrome", export_out;
  trace::PcapOptions pcap;
  auto* exp = app.add_subcommand("export", "Convert a trace for other tools");
  exp->add_option("TRACE", trace_in, "Trace file")->required();
  exp->add_option("--format", format,
                  "perfetto: Perfetto's protobuf TrackEvent trace (ui.perfetto.dev, trace_processor); "
                  "chrome: trace-event JSON for Perfetto UI and chrome://tracing; "
                  "pcap: the frames as the NIC received them (a loopback trace: as tcpdump -i lo sees them), "
                  "for Wireshark/tshark; pcapng: the same with each frame's fate as a packet comment")
      ->check(CLI::IsMember({"perfetto", "chrome", "pcap", "pcapng"}));
  exp->add_option("-o,--output", export_out, "File to write")->required();
  exp->add_option("--snaplen", pcap.snaplen,
                  "pcap, pcapng: bytes kept of each frame (default: all; the headers need 42)")
      ->check(CLI::Range(42, 65535));

  cli::CalibrateOptions cal;
  auto* calib =
      app.add_subcommand("calibrate", "Fit cost parameters to measured totals; print a scenario fragment");
  calib->add_option("SCENARIO", cal.scenario, "Scenario file of the measured setup")->required();
  calib->add_option("--fit", cal.fits, "KEY:METRIC=VALUE, e.g. costs.recvmsg_ns:delivered=9322 (repeatable)")
      ->required();
  calib->add_option("--set", cal.sets, "Fixed override of the measured setup: KEY=VALUE");
  calib->add_option("--min", cal.lo, "Smallest value tried for each fitted key (default 0)");
  calib->add_option("--max", cal.hi, "Largest value tried for each fitted key (default 100000)");
  calib->add_option("-o,--output", cal.out, "Write the fragment here instead of stdout");

  // Charts need Qt, which the simulator does not link: `plot` runs rxpath-plot from the viewer's build.
  auto* plot = app.add_subcommand(
      "plot", "Latency CDFs and latency-vs-parameter charts as PNG/SVG (runs rxpath-plot)");
  plot->prefix_command();
  plot->footer(
      "Usage: rxpath plot RESULTS.json|TRACE.jsonl... -o FILE.png|FILE.svg [--kind params|drops|rate|cdf]\n"
      "See docs/plots.md.");

  cli::ImportHostOptions ih;
  auto* importh = app.add_subcommand(
      "import-host",
      "Read a host's receive-path settings (sysctl, ethtool, IRQ affinity, RPS) into a scenario fragment");
  importh->add_option("--dev", ih.dev,
                      "Interface to read (this machine); with --from: its name in the saved files");
  importh->add_option("--from", ih.from,
                      "Directory of saved outputs instead of this machine (docs/scenarios.md)");
  importh->add_option("-o,--out", ih.out, "Write here (atomically) instead of standard output");
  importh->add_option("--merge", ih.merge,
                      "Overlay the fragment on this scenario and write the whole scenario");

  auto* params = app.add_subcommand("params", "List every scenario parameter with its default and meaning");
  params->add_flag("--markdown", markdown, "As a Markdown table");

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "rxpath: error: " << e.what()
              << "\nRun 'rxpath --help' (or 'rxpath COMMAND --help') for usage.\n";
    return kBadInput;
  }

  try {
    if (*run) return cmd_run(ra);
    if (*sweep) {
      if (!shard.empty()) {
        int i = -1, n = 0;
        char extra = 0;
        if (std::sscanf(shard.c_str(), "%d/%d%c", &i, &n, &extra) != 2 || n < 1 || i < 0 || i >= n)
          return bad_input("--shard " + shard + ": expected I/N with 0 <= I < N");
        sw.shard_index = i;
        sw.shard_count = n;
      }
      sw.self = fs::read_symlink("/proc/self/exe").string();
      return cli::sweep(sw);
    }
    if (*merge) return cli::merge(merge_out, merge_in);
    if (*calib) {
      if (cal.lo < 0 || cal.hi <= cal.lo) return bad_input("calibrate: expected 0 <= --min < --max");
      cal.self = fs::read_symlink("/proc/self/exe").string();
      return cli::calibrate(cal);
    }
    if (*cmp) return cli::compare(std::cout, cmp_a, cmp_b);
    if (*validate) {
      auto ls = model::load_scenario(scenario, overrides(sets));
      std::cout << scenario << ": valid (" << ls.scenario.traffic.size() << " traffic sources, "
                << ls.scenario.sockets.size() << " sockets, " << ls.scenario.receivers.size()
                << " receivers)\n";
      return 0;
    }
    if (*summary) return cmd_summary(trace_in);
    if (*exp && (format == "pcap" || format == "pcapng")) {
      pcap.pcapng = format == "pcapng";
      const long n = trace::export_pcap(trace_in, export_out, pcap);
      std::cout << export_out << ": " << n << " frames (open in Wireshark, or tshark -r " << export_out
                << ")\n";
      return 0;
    }
    if (*exp && format == "perfetto") {
      const auto st = trace::export_perfetto(trace_in, export_out);
      std::cout << export_out << ": " << st.packets << " trace packets, " << st.flows
                << " CPU-crossing flows (open in https://ui.perfetto.dev)\n";
      return 0;
    }
    if (*exp) {
      const long n = trace::export_chrome(trace_in, export_out);
      std::cout << export_out << ": " << n
                << " trace events (open in https://ui.perfetto.dev or chrome://tracing)\n";
      return 0;
    }
    if (*params) return cmd_params(markdown);
    if (*importh) return cli::import_host(ih);
    if (*plot) return cmd_plot(plot->remaining());
  } catch (const model::ScenarioError& e) {
    return bad_input(e.what());
  } catch (const trace::TraceError& e) {
    return bad_input(e.what());
  } catch (const trace::OutputError& e) {
    return bad_input(e.what());
  } catch (const std::exception& e) {
    // Not the user's fault: loud, with a distinct exit code; outputs not committed are removed
    // by their destructors during the unwinding that brought us here.
    std::cerr << "rxpath: internal error: " << e.what() << "\n";
    return 70; // EX_SOFTWARE
  }
  return 0;
}
