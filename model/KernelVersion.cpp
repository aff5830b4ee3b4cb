// The table of kernel versions (see KernelVersion.hpp for what each column means and where it
// comes from; docs/kernel-profiles.md for how each was checked).
#include "KernelVersion.hpp"

#include <array>

namespace rxpath::model {

namespace {

using trace::Profile;
constexpr FairSched Cfs = FairSched::Cfs;
constexpr FairSched Eevdf = FairSched::Eevdf;

// clang-format off
constexpr std::array kVersions{
  //           name    names               own_acct batched before_charge small_head defers budget_usecs in_net_rx fair   delay_dq base_slice
  KernelVersion{"3.19", Profile::Linux3_19, false,   false,  false,        false,     false, false,       false,    Cfs,   false, 750000},
  KernelVersion{"4.9",  Profile::Linux3_19, false,   false,  false,        false,     true,  false,       false,    Cfs,   false, 750000},
  KernelVersion{"4.19", Profile::Linux6_18, true,    true,   false,        false,     true,  true,        false,    Cfs,   false, 750000},
  KernelVersion{"5.4",  Profile::Linux6_18, true,    true,   false,        false,     true,  true,        false,    Cfs,   false, 750000},
  KernelVersion{"5.10", Profile::Linux6_18, true,    true,   false,        false,     true,  true,        false,    Cfs,   false, 750000},
  KernelVersion{"5.15", Profile::Linux6_18, true,    true,   false,        false,     true,  true,        false,    Cfs,   false, 750000},
  KernelVersion{"6.1",  Profile::Linux6_18, true,    true,   false,        false,     true,  true,        false,    Cfs,   false, 750000},
  KernelVersion{"6.6",  Profile::Linux6_18, true,    true,   false,        true,      false, true,        true,     Eevdf, false, 750000},
  KernelVersion{"6.12", Profile::Linux6_18, true,    true,   false,        true,      false, true,        true,     Eevdf, true,  750000},
  KernelVersion{"6.18", Profile::Linux6_18, true,    true,   true,         true,      false, true,        true,     Eevdf, true,  700000},
};
// clang-format on

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
