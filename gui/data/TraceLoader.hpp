// Reads a trace file into a TraceStore. Plain C++ (no Qt) so it runs in a worker thread and in
// tests; bad input comes out as trace::TraceError with a message naming the file and line.
#pragma once

#include "TraceStore.hpp"

#include <functional>
#include <memory>
#include <stdexcept>
#include <string>

namespace rxpath::view {

// Thrown when the progress callback asks to stop.
class LoadCancelled : public std::runtime_error {
public:
  LoadCancelled() : std::runtime_error("loading cancelled") {}
};

class TraceLoader {
public:
  // Called now and then with the fraction done (0..1); return false to cancel.
  using Progress = std::function<bool(double)>;
  // Called from the loading thread with a store of what has been read so far (TraceStore::partial),
  // first after ~0.25 s and then each time the time spent has doubled, until half the file is read:
  // the window shows the trace growing instead of an empty timeline. The copies cost about one more
  // final-size load in the worst case, and nothing when the callback is empty.
  using Partial = std::function<void(std::shared_ptr<const TraceStore>)>;

  static std::shared_ptr<TraceStore> load(const std::string& path, const Progress& progress = {},
                                          const Partial& partial = {});

private:
  // Sorts, finds the time range, builds rows and packets: everything after reading.
  static void finish(TraceStore& s, const Progress& progress);
  static void read_header(TraceStore& s);
  static void build_rows(TraceStore& s);
  static void build_packets(TraceStore& s);
};

} // namespace rxpath::view
