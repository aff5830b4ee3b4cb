// Latency statistics in bounded memory, and the sweeps' confidence intervals.
#include "model/analysis/Stats.hpp"
#include "model/analysis/Sweep.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <random>

using namespace rxpath;

namespace {
int64_t nearest_rank(std::vector<int64_t> v, double q) {
  std::sort(v.begin(), v.end());
  auto i = static_cast<size_t>(std::ceil(q * static_cast<double>(v.size())));
  return v[std::min(v.size() - 1, i == 0 ? 0 : i - 1)];
}
} // namespace

TEST_CASE("distribution: exact nearest ranks while small, bounded relative error beyond", "[stats]") {
  std::mt19937_64 rng(std::random_device{}());
  std::lognormal_distribution<double> latency(9.0, 1.5); // ~8 µs median, a long tail
  for (size_t n : {size_t{1}, size_t{1000}, model::Distribution::kExactLimit + 12345}) {
    INFO("n = " << n);
    model::Distribution d;
    std::vector<int64_t> all;
    double sum = 0;
    for (size_t i = 0; i < n; ++i) {
      const auto v = static_cast<int64_t>(latency(rng));
      d.add(v);
      all.push_back(v);
      sum += static_cast<double>(v);
    }
    CHECK(d.exact() == (n <= model::Distribution::kExactLimit));
    const auto p = d.percentiles();
    CHECK(p.count == static_cast<int64_t>(n));
    CHECK(p.mean == Approx(sum / static_cast<double>(n)));
    CHECK(p.max == *std::max_element(all.begin(), all.end()));
    for (double q : {0.01, 0.5, 0.9, 0.99, 0.999, 0.9999}) {
      INFO("q = " << q);
      const double truth = static_cast<double>(nearest_rank(all, q));
      if (d.exact())
        CHECK(static_cast<double>(d.quantile(q)) == truth);
      else
        CHECK(std::abs(static_cast<double>(d.quantile(q)) - truth) <= truth * 0.004 + 0.5);
    }
  }
}

TEST_CASE("aggregate: the 95% interval uses Student's t at every df", "[stats][sweep]") {
  // 32 runs (df 31): t = 2.0395, not the normal's 1.96.
  std::vector<nlohmann::json> runs;
  for (int i = 0; i < 32; ++i) {
    nlohmann::json r = {{"drops", nlohmann::json::object()}};
    for (const auto& [m, _] : model::sweep_metrics()) r[m] = i % 2 == 0 ? 10.0 : 12.0;
    runs.push_back(r);
  }
  const double s = std::sqrt(32.0 / 31.0); // sample standard deviation of ±1 around 11
  auto a = model::aggregate(runs);
  CHECK(a["latency_p99_ns"]["ci95"].get<double>() == Approx(2.0395 * s / std::sqrt(32.0)).epsilon(0.0005));
}
