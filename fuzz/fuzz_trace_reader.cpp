// Fuzzes the trace reader every trace command and the viewer use: the input is written to a file,
// opened, and read to its end (header, every event, the end object and the truncation flag). A bad
// trace must end in a TraceError (exit 2); anything else is a bug.
#include "Scratch.hpp"

#include "trace/TraceReader.hpp"

#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string in = rxpath::fuzz::scratch().write("in.trace.jsonl", data, size);
  try {
    rxpath::trace::TraceReader r(in);
    (void)r.header().dump();
    rxpath::trace::Event e;
    while (r.next(e)) {
    }
    if (r.has_end()) (void)r.end().dump();
    (void)r.truncated();
  } catch (const rxpath::trace::TraceError&) {
  }
  return 0;
}
