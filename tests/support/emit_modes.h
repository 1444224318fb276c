// Suites whose tests emit run each test twice: directly and through the
// store's server (the default path users take), from one definition.
//
//   class MySuite : public EmitModeTest { ... };   // SetUp calls EmitModeTest::SetUp()
//   TEST_P(MySuite, Something) { ... Orch(store, {"emit", ...}) ... }
//   ORCH_BOTH_EMIT_MODES(MySuite);
#ifndef ORCH_TESTS_SUPPORT_EMIT_MODES_H_
#define ORCH_TESTS_SUPPORT_EMIT_MODES_H_

#include "gtest/gtest.h"
#include "tests/support/test_support.h"

namespace orch::testing {

class EmitModeTest : public ::testing::TestWithParam<EmitMode> {
 protected:
  void SetUp() override { SetDefaultEmitMode(GetParam()); }
  void TearDown() override { SetDefaultEmitMode(EmitMode::kDirect); }
  bool through_server() const { return GetParam() == EmitMode::kServer; }
  // Stops the server of `store` when there is one: for a test that then
  // touches the store's files itself (a bad disk, an editor).
  void StopServerOf(const std::string& store) {
    if (through_server()) EXPECT_EQ(Orch(store, {"serve", "--stop"}).exit_code, 0);
  }
};

inline std::string EmitModeParamName(const ::testing::TestParamInfo<EmitMode>& info) {
  return EmitModeName(info.param);
}

}  // namespace orch::testing

#define ORCH_BOTH_EMIT_MODES(Suite)                                                              \
  INSTANTIATE_TEST_SUITE_P(                                                                      \
      Emit, Suite,                                                                               \
      ::testing::Values(::orch::testing::EmitMode::kDirect, ::orch::testing::EmitMode::kServer), \
      ::orch::testing::EmitModeParamName)

#endif  // ORCH_TESTS_SUPPORT_EMIT_MODES_H_
