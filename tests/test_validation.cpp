// Validation against queueing theory: with every cost upstream of the socket set to zero and a
// deterministic receiver, the socket queue is an M/D/1 queue, whose mean wait is
// rho*D / (2(1 - rho)). Independent replications (seeds) give the estimate's 95% confidence
// interval, which is printed and used (doubled) as the tolerance.
#include "RunRxpath.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <cstdio>

using namespace rxpath;

TEST_CASE("validation: the receiver as an M/D/1 server", "[validation]") {
  const double D = 10000; // app_work_ns in tests/scenarios/md1.json
  auto r = test::run_rxpath(
      "sweep " + std::string(RXPATH_SOURCE_DIR) +
      "/tests/scenarios/md1.json --set traffic.0.rate_pps=30000,60000,80000 --seeds 8 -o md1");
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  auto j = nlohmann::json::parse(test::read_file(r.dir + "/md1.json"));
  REQUIRE(j["points"].size() == 3);
  for (const auto& p : j["points"]) {
    const double lambda = std::stod(p["settings"]["traffic.0.rate_pps"].get<std::string>());
    const double rho = lambda * D * 1e-9;
    const double theory = rho * D / (2 * (1 - rho));
    const double mean = p["metrics"]["socket_wait_mean_ns"]["mean"];
    const double ci = p["metrics"]["socket_wait_mean_ns"]["ci95"];
    std::printf("M/D/1 rho=%.2f: mean socket wait %.0f ns +- %.0f (95%% CI, 8 seeds), theory %.0f ns\n", rho,
                mean, ci, theory);
    INFO("rho " << rho << ": simulated " << mean << " +- " << ci << ", theory " << theory);
    CHECK(std::abs(mean - theory) <= 2 * ci);
  }
}

TEST_CASE("validation: the socket queue as M/M/1/K, below, at and above saturation", "[validation]") {
  // tests/scenarios/mm1k.json: exponential work of mean 1/mu = 10 us; sk_rcvbuf 3072 and
  // truesize 768 give a queue of ceil(3072 / 768) = 4 (3.19 refuses only once
  // sk_rmem_alloc >= sk_rcvbuf, so the last datagram may overshoot), plus the one in service.
  const double mean_work_ns = 10000;
  const int K = 5;
  auto r = test::run_rxpath("sweep " + std::string(RXPATH_SOURCE_DIR) +
                            "/tests/scenarios/mm1k.json --set traffic.0.rate_pps=50000,100000,130000 "
                            "--set traffic.0.count=50000 --seeds 6 -o mm1k");
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  auto j = nlohmann::json::parse(test::read_file(r.dir + "/mm1k.json"));
  REQUIRE(j["points"].size() == 3);
  for (const auto& p : j["points"]) {
    const double lambda = std::stod(p["settings"]["traffic.0.rate_pps"].get<std::string>());
    const double rho = lambda * mean_work_ns * 1e-9;
    // The blocking probability, which by PASTA is the fraction of arrivals dropped.
    const double theory =
        std::abs(rho - 1) < 1e-9 ? 1.0 / (K + 1) : (1 - rho) * std::pow(rho, K) / (1 - std::pow(rho, K + 1));
    const double n = 50000;
    const double drop = p["metrics"]["drops.SOCKET_RCVBUFF"]["mean"].get<double>() / n;
    const double ci = p["metrics"]["drops.SOCKET_RCVBUFF"]["ci95"].get<double>() / n;
    std::printf("M/M/1/K K=%d rho=%.2f: drop fraction %.4f +- %.4f (95%% CI, 6 seeds), theory %.4f\n", K, rho,
                drop, ci, theory);
    INFO("rho " << rho << ": simulated " << drop << " +- " << ci << ", theory " << theory);
    CHECK(std::abs(drop - theory) <= 2 * ci);
  }
}

TEST_CASE("validation: saturation throughput is 1 / the bottleneck's service time", "[validation]") {
  // Offered 200 kpps to a receiver that needs D = 10 us per datagram: it delivers 1/D = 100 kpps.
  auto r = test::run_rxpath(
      "run " + std::string(RXPATH_SOURCE_DIR) +
      "/tests/scenarios/md1.json --set traffic.0.rate_pps=200000 --set traffic.0.count=50000 "
      "--set sockets.s.so_rcvbuf_bytes=100000 --no-trace --result-json r.json");
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  auto j = nlohmann::json::parse(test::read_file(r.dir + "/r.json"));
  const double pps = j["throughput_pps"];
  std::printf("saturation: %.1f kpps delivered, theory %.1f kpps\n", pps / 1e3, 100.0);
  CHECK(pps == Approx(100000).epsilon(0.005));
  CHECK(j["drops"]["SOCKET_RCVBUFF"].get<int64_t>() > 20000);
}
