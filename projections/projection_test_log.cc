#include "projections/projection_test_log.h"

#include "formats/event_json.h"
#include "gtest/gtest.h"
#include "projections/lifecycle_guard.h"

namespace orch {

TestLog::TestLog() {
  schema_ = std::move(EventSchema::Load()).value();
  StoreOptions o;
  o.env = &env_;
  o.create_if_missing = true;
  store_ = std::move(OpenEventWriter(dir_.Sub("store"), o)).value();
}

uint64_t TestLog::Emit(const nlohmann::json& j) {
  auto request = AppendRequestFromJson(*schema_, j);
  EXPECT_TRUE(request.ok()) << request.status() << " for " << j.dump();
  if (!request.ok()) return 0;
  std::vector<AppendRequest> batch;
  batch.push_back(*std::move(request));
  LifecycleGuard guard(&env_);
  auto results = store_->Append(std::move(batch), &guard);
  EXPECT_TRUE(results.ok()) << results.status() << " for " << j.dump();
  return results.ok() ? (*results)[0].seq : 0;
}

}  // namespace orch
