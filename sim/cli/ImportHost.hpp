// `rxpath import-host`: reads a host's receive-path settings (this machine, or a directory of
// saved outputs) into a scenario fragment (docs/scenarios.md, "Importing a host's settings").
// The parsers and the rules are model/config/HostImport.{hpp,cpp}; this is the command.
#pragma once

#include <string>

namespace rxpath::cli {

struct ImportHostOptions {
  std::string dev;   // --dev: the interface (live: required)
  std::string from;  // --from DIR: saved outputs instead of this machine
  std::string out;   // --out FILE; empty: standard output
  std::string merge; // --merge BASE.json: write BASE with the fragment overlaid
};

// 0 on success (notes about values not read go to stderr); 2 on a bad command line.
int import_host(const ImportHostOptions& o);

} // namespace rxpath::cli
