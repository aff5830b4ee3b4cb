// The table of kernel versions (include/linux behaviour by release; see KernelVersion.hpp).
#include "KernelVersion.hpp"

#include <array>

namespace rxpath::model {

namespace {

using trace::Profile;

constexpr std::array kVersions{
    //           name    names                udp_own_accounting  udp_batched_uncharge  small_head_cache
    KernelVersion{"3.19", Profile::Linux3_19, false, false, false},
    KernelVersion{"6.18", Profile::Linux6_18, true, true, true},
};

} // namespace

std::span<const KernelVersion> kernel_versions() {
  return kVersions;
}

const KernelVersion* find_kernel_version(std::string_view name) {
  for (const auto& v : kVersions)
    if (v.name == name) return &v;
  return nullptr;
}

std::string known_kernel_versions() {
  std::string s;
  for (const auto& v : kVersions) s += (s.empty() ? "" : ", ") + std::string(v.name);
  return s;
}

} // namespace rxpath::model
