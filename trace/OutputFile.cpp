#include "OutputFile.hpp"

#include <array>
#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <filesystem>

#include <sys/stat.h>
#include <unistd.h>

namespace rxpath::trace {
namespace fs = std::filesystem;

namespace {

// Temporary files to remove from a signal handler: fixed slots, no allocation there.
constexpr size_t kSlots = 64;
constexpr size_t kPathMax = 4096;
std::array<std::array<char, kPathMax>, kSlots> g_paths{};
std::array<std::atomic<bool>, kSlots> g_used{};

int register_tmp(const std::string& path) {
  if (path.size() >= kPathMax) return -1;
  for (size_t i = 0; i < kSlots; ++i) {
    bool expected = false;
    if (g_used[i].compare_exchange_strong(expected, true)) {
      std::memcpy(g_paths[i].data(), path.c_str(), path.size() + 1);
      return static_cast<int>(i);
    }
  }
  return -1;
}

void unregister_tmp(int slot) {
  if (slot >= 0) g_used[static_cast<size_t>(slot)] = false;
}

std::atomic<void (*)()> g_hook{nullptr};

extern "C" void remove_outputs_and_reraise(int sig) {
  if (auto* hook = g_hook.load()) hook();
  for (size_t i = 0; i < kSlots; ++i)
    if (g_used[i]) ::unlink(g_paths[i].data());
  std::signal(sig, SIG_DFL);
  std::raise(sig);
}

bool same_file(const struct stat& a, const std::string& other) {
  struct stat b {};
  return ::stat(other.c_str(), &b) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

// What OutputFile would do with `path`: "" = write in place (stdout or a special file),
// otherwise the final path of the regular file. Throws OutputError for what it refuses.
std::string resolve(const std::string& path, const std::vector<std::string>& inputs) {
  if (path.empty()) throw OutputError("an empty output file name");
  if (path == "-") return "";
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0) {
    if (S_ISDIR(st.st_mode)) throw OutputError(path + ": is a directory (expected a file name)");
    for (const auto& in : inputs)
      if (same_file(st, in)) throw OutputError(path + ": is also an input of this command; write elsewhere");
    if (!S_ISREG(st.st_mode)) return ""; // a device, FIFO or socket: written in place
    return fs::canonical(path).string();
  }
  if (errno != ENOENT) throw OutputError(path + ": cannot write: " + std::strerror(errno));
  fs::path p(path);
  fs::path dir = p.parent_path();
  if (dir.empty()) dir = ".";
  struct stat ds {};
  if (::stat(dir.c_str(), &ds) != 0 || !S_ISDIR(ds.st_mode))
    throw OutputError(path + ": the directory " + dir.string() + " does not exist");
  if (::access(dir.c_str(), W_OK) != 0)
    throw OutputError(path + ": cannot write in " + dir.string() + ": " + std::strerror(errno));
  // A dangling symlink: create the file it names.
  std::error_code ec;
  if (fs::is_symlink(fs::symlink_status(p, ec))) {
    const fs::path target = fs::read_symlink(p, ec);
    return (target.is_absolute() ? target : dir / target).lexically_normal().string();
  }
  return path;
}

} // namespace

void check_output_path(const std::string& path, const std::vector<std::string>& inputs) {
  (void)resolve(path, inputs);
}

void on_fatal_signal(void (*fn)()) {
  g_hook = fn;
}

void install_output_cleanup() {
  for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGABRT}) std::signal(sig, remove_outputs_and_reraise);
}

OutputFile::OutputFile(const std::string& path, const std::vector<std::string>& inputs)
    : path_(path), final_(resolve(path, inputs)) {
  if (final_.empty()) {
    file_ = path == "-" ? stdout : std::fopen(path.c_str(), "wb");
    if (!file_) throw OutputError(path + ": cannot write: " + std::strerror(errno));
    return;
  }
  const fs::path f(final_);
  std::string tmpl = (f.parent_path() / ("." + f.filename().string() + ".rxpath-XXXXXX")).string();
  const int fd = ::mkstemp(tmpl.data());
  if (fd < 0) throw OutputError(path + ": cannot write: " + std::strerror(errno));
  tmp_ = tmpl;
  slot_ = register_tmp(tmp_);
  // mkstemp makes the file 0600; the output gets the usual permissions (0666 less the umask).
  const mode_t mask = ::umask(0);
  ::umask(mask);
  ::fchmod(fd, 0666 & ~mask);
  file_ = ::fdopen(fd, "wb");
  if (!file_) {
    ::close(fd);
    discard();
    throw OutputError(path + ": cannot write: " + std::strerror(errno));
  }
}

OutputFile::~OutputFile() {
  if (!committed_) discard();
}

std::ostream& OutputFile::stream() {
  if (!stream_) {
    buf_ = std::make_unique<__gnu_cxx::stdio_sync_filebuf<char>>(file_);
    stream_ = std::make_unique<std::ostream>(buf_.get());
  }
  return *stream_;
}

void OutputFile::write(std::string_view s) {
  if (!s.empty() && std::fwrite(s.data(), 1, s.size(), file_) != s.size())
    throw OutputError(path_ + ": write failed: " + std::strerror(errno));
}

void OutputFile::discard() {
  stream_.reset();
  buf_.reset();
  if (file_ && file_ != stdout) std::fclose(file_);
  file_ = nullptr;
  if (!tmp_.empty()) ::unlink(tmp_.c_str());
  unregister_tmp(slot_);
  slot_ = -1;
}

void OutputFile::commit() {
  const bool stream_failed = stream_ && !stream_->flush();
  stream_.reset();
  buf_.reset();
  const bool failed = std::fflush(file_) != 0 || std::ferror(file_) || stream_failed;
  const int err = errno;
  if (file_ != stdout && std::fclose(file_) != 0 && !failed) {
    file_ = nullptr;
    const int e = errno;
    discard();
    throw OutputError(path_ + ": write failed: " + std::strerror(e));
  }
  file_ = nullptr;
  if (failed) {
    discard();
    throw OutputError(path_ + ": write failed: " + std::strerror(err));
  }
  if (!tmp_.empty() && std::rename(tmp_.c_str(), final_.c_str()) != 0) {
    const int e = errno;
    discard();
    throw OutputError(path_ + ": cannot replace it: " + std::strerror(e));
  }
  unregister_tmp(slot_);
  slot_ = -1;
  committed_ = true;
}

} // namespace rxpath::trace
