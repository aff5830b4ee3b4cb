#include "Golden.hpp"

#include "RunRxpath.hpp"

#include <catch2/catch.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>

namespace rxpath::test {
namespace {

std::string run_diff(const std::string& a, const std::string& b) {
  const std::string cmd = "diff -u '" + a + "' '" + b + "' 2>&1";
  std::string out;
  if (std::FILE* p = ::popen(cmd.c_str(), "r")) {
    char buf[4096];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
    ::pclose(p);
  }
  return out;
}

} // namespace

std::string golden_path(const std::string& file) {
  return std::string(RXPATH_SOURCE_DIR) + "/traces/golden/" + file;
}

void check_golden(const std::string& approved, const std::string& actual) {
  const std::string unapproved = approved + ".unapproved";
  const bool exists = file_exists(approved);
  if (exists && read_file(approved) == actual) {
    std::error_code ec;
    std::filesystem::remove(unapproved, ec);
    SUCCEED(approved << " matches");
    return;
  }
  std::filesystem::create_directories(std::filesystem::path(approved).parent_path());
  std::ofstream(unapproved, std::ios::binary) << actual;
  if (!exists)
    FAIL_CHECK("no approved output " << approved << "\nthis run's output is in " << unapproved
                                     << "; review it and run tools/approve-golden.sh");
  else {
    // Straight to standard output: Catch2 would wrap the diff's lines in its message.
    std::cout << run_diff(approved, unapproved) << std::flush;
    FAIL_CHECK("the output differs from " << approved << " (diff -u above; this run's output is in "
                                          << unapproved << ", tools/approve-golden.sh approves it)");
  }
}

std::string head_lines(const std::string& path, int n) {
  std::ifstream in(path, std::ios::binary);
  std::string out, line;
  for (int i = 0; i < n && std::getline(in, line); ++i) out += line + "\n";
  return out;
}

} // namespace rxpath::test
