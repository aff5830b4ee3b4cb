#include "ShippedScenarios.hpp"

#include "RunRxpath.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>

namespace rxpath::test {

std::vector<std::string> shipped_scenarios() {
  if (!selected_scenario().empty()) return {selected_scenario()};
  std::vector<std::string> names;
  for (const auto& f : std::filesystem::directory_iterator(std::string(RXPATH_SOURCE_DIR) + "/scenarios"))
    if (f.path().extension() == ".json") names.push_back(f.path().stem().string());
  std::sort(names.begin(), names.end());
  return names;
}

std::string affordable(const std::string& name) {
  // Scenario files carry // comments.
  const auto s = nlohmann::json::parse(read_file(scenario(name)), nullptr, true, true);
  std::string sets;
  const auto traffic = s.find("traffic");
  if (traffic == s.end()) return sets;
  for (size_t i = 0; i < traffic->size(); ++i) {
    const auto& t = (*traffic)[i];
    const std::string key = " --set traffic." + std::to_string(i);
    if (t.contains("count") && t["count"].get<long long>() > kMaxCount)
      sets += key + ".count=" + std::to_string(kMaxCount);
    if (t.contains("duration_ns") && t["duration_ns"].get<long long>() > kMaxDurationNs)
      sets += key + ".duration_ns=" + std::to_string(kMaxDurationNs);
  }
  return sets;
}

} // namespace rxpath::test
