// Loads a scenario file into a validated Scenario: JSON with comments, every key checked against
// the schema (ScenarioSchema.cpp), `--set KEY=VALUE` overrides applied before validation, and
// cross-checks (every socket reachable, every receiver's socket and CPU exist, ...).
#pragma once

#include "Scenario.hpp"
#include "Schema.hpp"

#include <nlohmann/json.hpp>

#include <string>
#include <utility>
#include <vector>

namespace rxpath::model {

struct Override {
  std::string key;   // "net.core.netdev_budget", "nic.ring_size", "receivers.0.app_work_ns",
                     // "sockets.s0.so_rcvbuf_bytes"
  std::string value; // JSON text, or a bare string
};
// Parses "KEY=VALUE"; throws ScenarioError naming the command line.
Override parse_override(const std::string& text);

struct LoadedScenario {
  Scenario scenario;
  nlohmann::json resolved; // every parameter, defaults filled in
};

LoadedScenario load_scenario(const std::string& file, const std::vector<Override>& overrides = {},
                             std::optional<int64_t> seed = std::nullopt);
// Same, from JSON text already in memory (`file` names it in messages).
LoadedScenario load_scenario_text(const std::string& text, const std::string& file,
                                  const std::vector<Override>& overrides = {},
                                  std::optional<int64_t> seed = std::nullopt);

// Every key of the format, for docs/scenarios.md and `rxpath params`.
std::vector<ParamDoc> scenario_reference();

// Linux's SO_RCVBUF arithmetic (sock_setsockopt, net/core/sock.c): min(value, rmem_max) * 2,
// at least SOCK_MIN_RCVBUF; not set: rmem_default (sock_init_data).
int64_t effective_rcvbuf(int64_t so_rcvbuf_bytes, const Sysctl& s);
// include/net/sock.h (3.19): SOCK_MIN_RCVBUF = TCP_SKB_MIN_TRUESIZE = 2048 + SKB_DATA_ALIGN(sizeof(struct
// sk_buff)), 2048 + 256 on x86-64.
inline constexpr int64_t kSockMinRcvbuf = 2048 + 256;

} // namespace rxpath::model
