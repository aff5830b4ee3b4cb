// Catch2's main, with one option of ours: --scenario NAME runs the [shipped] tests on that shipped
// scenario only (ctest registers one test per file in scenarios/; without it they run on all).
#define CATCH_CONFIG_RUNNER
#include "ShippedScenarios.hpp"

#include <catch2/catch.hpp>

int main(int argc, char* argv[]) {
  Catch::Session session;
  using Catch::clara::Opt;
  session.cli(session.cli() | Opt(rxpath::test::selected_scenario(), "name")["--scenario"](
                                  "the shipped scenario the [shipped] tests run (default: every one)"));
  if (const int rc = session.applyCommandLine(argc, argv); rc != 0) return rc;
  return session.run();
}
