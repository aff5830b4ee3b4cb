// Random valid scenarios for property tests and fuzz corpora: every feature of the format (both
// kernels, RPS, NAPI off, loopback, fragments, moderation, netfilter, several sockets and
// receivers, socket filters, timeouts, socket backlog), kept small enough to run in well under a
// second each.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <random>

namespace rxpath::test {

nlohmann::json random_scenario(std::mt19937_64& rng);

} // namespace rxpath::test
