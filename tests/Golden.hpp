// Approval testing: output compared byte for byte with a reviewed file. On a mismatch the test
// fails with the unified diff and leaves the new output in APPROVED.unapproved, next to it;
// tools/approve-golden.sh promotes every .unapproved file (review git diff, then commit).
#pragma once

#include <string>

namespace rxpath::test {

// Approved files live in traces/golden/ (and traces/ for the walkthrough's whole trace).
std::string golden_path(const std::string& file);

// Checks `actual` against the approved file with Catch2 (CHECK: the test goes on); removes a
// stale .unapproved when they agree.
void check_golden(const std::string& approved, const std::string& actual);

// The first `n` lines of a file, each with its newline.
std::string head_lines(const std::string& path, int n);

} // namespace rxpath::test
