// process::spawn, as rxpath sweep and the real-kernel harness use it: the child's exit code, its
// output in the files asked for, 127 for what cannot be run.
#include "RunRxpath.hpp"
#include "process/Spawn.hpp"

#include <catch2/catch.hpp>

using namespace rxpath;

TEST_CASE("spawn: exit code and redirected output", "[spawn]") {
  test::TempDir dir;
  process::SpawnOptions o;
  o.stdout_path = dir.path + "/out";
  o.stderr_path = dir.path + "/err";
  CHECK(process::run({"/bin/sh", "-c", "echo to-out; echo to-err >&2; exit 3"}, o) == 3);
  CHECK(test::read_file(dir.path + "/out") == "to-out\n");
  CHECK(test::read_file(dir.path + "/err") == "to-err\n");
  // Truncated, not appended, on the next run.
  CHECK(process::run({"/bin/sh", "-c", "echo again"}, o) == 0);
  CHECK(test::read_file(dir.path + "/out") == "again\n");
}

TEST_CASE("spawn: a program that cannot be run exits 127", "[spawn]") {
  CHECK(process::run({"/nonexistent/rxpath"}) == 127);
  process::SpawnOptions o;
  o.stdout_path = "/nonexistent-dir/out";
  CHECK(process::run({"/bin/true"}, o) == 127);
}

TEST_CASE("spawn: a child in its own session is terminated with its parent's cleanup", "[spawn]") {
  const pid_t pid = process::spawn({"/bin/sleep", "30"}, process::SpawnOptions::in_own_session());
  REQUIRE(pid > 0);
  process::terminate_children();
  CHECK(process::wait_exit(pid) == -1); // killed by SIGTERM, not exited
}
