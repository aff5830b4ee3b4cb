#include "RunRxpath.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace rxpath::test {

TempDir::TempDir() : path((std::filesystem::temp_directory_path() / "rxpath-test-XXXXXX").string()) {
  if (!mkdtemp(path.data())) throw std::runtime_error("mkdtemp failed");
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path, ec);
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

bool file_exists(const std::string& path) {
  return std::filesystem::exists(path);
}

std::string scenario(const std::string& name) {
  return std::string(RXPATH_SOURCE_DIR) + "/scenarios/" + name + ".json";
}

#ifdef RXPATH_BIN
Result run_rxpath(const std::string& args) {
  Result r;
  r.tmp = std::make_unique<TempDir>();
  r.dir = r.tmp->path;
  // A run that never ends fails (exit 124) instead of hanging the suite.
  const std::string cmd =
      "cd '" + r.dir + "' && timeout -k 5 600 '" RXPATH_BIN "' " + args + " >out.txt 2>err.txt";
  const int status = std::system(cmd.c_str());
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = read_file(r.dir + "/out.txt");
  r.err = read_file(r.dir + "/err.txt");
  return r;
}
#endif

Trace load_trace(const std::string& path) {
  Trace t;
  trace::TraceReader r(path);
  t.header = r.header();
  trace::Event e;
  while (r.next(e)) t.events.push_back(e);
  t.end = r.end();
  t.truncated = r.truncated();
  return t;
}

} // namespace rxpath::test
