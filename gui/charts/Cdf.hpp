// A latency distribution as charts draw it: the latency at each cumulative probability, from a
// trace's delivered datagrams or from a sweep point's averaged quantiles.
#pragma once

#include "ChartError.hpp"

#include <QString>

#include <cstdint>
#include <string>
#include <vector>

namespace rxpath::charts {

struct Cdf {
  QString name;
  std::vector<double> p;  // ascending, in (0, 1]
  std::vector<double> ns; // latency at p[i], ns, ascending
  int64_t dropped = -1;   // datagrams dropped, when read from a trace
};

// The CDF of these latencies (ns, any order): p = i/n at the i-th smallest.
Cdf make_cdf(QString name, std::vector<double> ns, int64_t dropped = -1);
// The delivered datagrams' latencies of an rxpath trace, named by its file name.
Cdf read_trace_cdf(const std::string& path);
// Nearest rank, as `rxpath run` reports percentiles: the smallest latency with at least a
// fraction p of the datagrams at or below it; 0 for an empty CDF.
double quantile(const Cdf& c, double p);

} // namespace rxpath::charts
