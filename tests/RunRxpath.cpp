#include "RunRxpath.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace rxpath::test {

std::string temp_dir() {
  std::string tmpl = (std::filesystem::temp_directory_path() / "rxpath-test-XXXXXX").string();
  if (!mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
  return tmpl;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

bool file_exists(const std::string& path) { return std::filesystem::exists(path); }

std::string scenario(const std::string& name) { return std::string(RXPATH_SOURCE_DIR) + "/scenarios/" + name + ".json"; }

#ifdef RXPATH_BIN
Result run_rxpath(const std::string& args) {
  Result r;
  r.dir = temp_dir();
  const std::string cmd = "cd '" + r.dir + "' && '" RXPATH_BIN "' " + args + " >out.txt 2>err.txt";
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

}  // namespace rxpath::test
