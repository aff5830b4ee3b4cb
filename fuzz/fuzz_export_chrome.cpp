// Fuzzes `rxpath export --format chrome`: the input is a trace file, the output goes to the
// scratch directory and is removed after each input. A bad trace must end in a TraceError.
#include "Scratch.hpp"

#include "trace/ChromeExport.hpp"
#include "trace/TraceReader.hpp"

#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto& s = rxpath::fuzz::scratch();
  const std::string in = s.write("in.trace.jsonl", data, size);
  try {
    (void)rxpath::trace::export_chrome(in, s.path("out.json"));
  } catch (const rxpath::trace::TraceError&) {
  }
  s.clear();
  return 0;
}
