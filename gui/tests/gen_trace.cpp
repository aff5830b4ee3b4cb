// rxpath-gen-trace OUT.jsonl [one|flow|truncated|two|sched] [PACKETS]: writes a generated trace
// (two: a flow shared by two receiver threads on one CPU; sched: tasks taking turns on CPU 1).
#include "TraceGenerator.hpp"

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s OUT.jsonl [one|flow|truncated|two|sched] [PACKETS]\n", argv[0]);
    return 2;
  }
  const std::string kind = argc > 2 ? argv[2] : "flow";
  try {
    rxpath::view::testgen::FlowOptions opt;
    if (argc > 3) opt.packets = std::atoi(argv[3]);
    if (kind == "one")
      rxpath::view::testgen::write_one_packet(argv[1]);
    else if (kind == "sched")
      rxpath::view::testgen::write_sched(argv[1]);
    else if (kind == "two")
      opt.receivers = 2, rxpath::view::testgen::write_flow(argv[1], opt);
    else if (kind == "truncated")
      opt.with_end = false, rxpath::view::testgen::write_flow(argv[1], opt);
    else
      rxpath::view::testgen::write_flow(argv[1], opt);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "rxpath-gen-trace: %s\n", e.what());
    return 2;
  }
  return 0;
}
