// Test helper for the projection unit tests: a real store in a temporary
// directory and a terse way to append events with explicit times.
#ifndef ORCH_PROJECTIONS_PROJECTION_TEST_LOG_H_
#define ORCH_PROJECTIONS_PROJECTION_TEST_LOG_H_

#include <memory>
#include <string>

#include "eventstore/env.h"
#include "eventstore/event_store.h"
#include "eventstore/event_writer.h"
#include "eventstore/posix_env.h"
#include "nlohmann/json.hpp"
#include "schema/event_schema.h"
#include "tests/support/test_support.h"

namespace orch {

class TestLog {
 public:
  TestLog();
  // Appends one event; `j` is the `orch emit --json` form ("type", "task",
  // "at" as RFC3339, payload fields at the top level). Observed claims
  // bypass the lifecycle guard's refusal, as on the command line.
  // Returns the seq. Fails the test on error.
  uint64_t Emit(const nlohmann::json& j);
  EventWriter& store() { return *store_; }
  EventSchema& schema() { return *schema_; }

 private:
  testing::TempDir dir_;
  SystemEnv env_;
  std::unique_ptr<EventSchema> schema_;
  std::unique_ptr<EventWriter> store_;
};

}  // namespace orch

#endif  // ORCH_PROJECTIONS_PROJECTION_TEST_LOG_H_
