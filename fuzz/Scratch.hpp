// A private scratch directory for one fuzzer process: the readers and exporters under test take
// file names, so each input is written to a file here and each output is put here and removed.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>

namespace rxpath::fuzz {

class Scratch {
public:
  Scratch() {
    const char* tmp = std::getenv("TMPDIR");
    std::string pattern = std::string(tmp && *tmp ? tmp : "/tmp") + "/rxpath-fuzz-XXXXXX";
    if (!mkdtemp(pattern.data())) throw std::runtime_error("fuzz: cannot create " + pattern);
    dir_ = pattern;
  }
  ~Scratch() {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  Scratch(const Scratch&) = delete;
  Scratch& operator=(const Scratch&) = delete;

  std::string path(const std::string& name) const { return (dir_ / name).string(); }

  // Writes `size` bytes to NAME (replacing it) and returns its path.
  std::string write(const std::string& name, const uint8_t* data, size_t size) const {
    const std::string p = path(name);
    std::ofstream os(p, std::ios::binary | std::ios::trunc);
    os.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
    if (!os) throw std::runtime_error("fuzz: cannot write " + p);
    return p;
  }

  // Removes everything the last input left (outputs, temporary files of a failed export).
  void clear() const {
    std::error_code ec;
    for (const auto& e : std::filesystem::directory_iterator(dir_, ec))
      std::filesystem::remove_all(e.path(), ec);
  }

private:
  std::filesystem::path dir_;
};

// One per process; destroyed (and its directory removed) when the fuzzer exits normally.
inline Scratch& scratch() {
  static Scratch s;
  return s;
}

} // namespace rxpath::fuzz
