// The loop's settings (project-initialized), folded once. The project fold
// keeps them in ProjectModel::settings and the git readers
// (git/task_git_facts.h) fold them with the same function: two folds with
// two rules once sent `orch watch` and `orch inspect` to different
// repositories after a second `orch init` without --project-root.
#ifndef ORCH_PROJECTIONS_PROJECT_SETTINGS_H_
#define ORCH_PROJECTIONS_PROJECT_SETTINGS_H_

#include <cstdint>
#include <string>

#include "events_generated.h"
#include "projections/field_diff.h"

namespace orch {

struct ProjectSettings {
  std::string project_root;    // the repository the loop works on; "" when never recorded
  std::string default_branch;  // the integration branch
  std::string remote;          // where it is pushed
  std::string push_policy;     // manual, after-merge, never ("" before any project-initialized)
  int64_t max_concurrency = 2;
  // In the order the members had when they were ProjectModel's own: the
  // checkpoint bytes did not change when they moved here.
  template <typename F>
  static constexpr void Fields(F&& f) {
    f("project_root", &ProjectSettings::project_root);
    f("default_branch", &ProjectSettings::default_branch);
    f("remote", &ProjectSettings::remote);
    f("push_policy", &ProjectSettings::push_policy);
    f("max_concurrency", &ProjectSettings::max_concurrency);
  }
};

// Folds one project-initialized into `s`. A later event refines an earlier
// one: a text field it leaves empty keeps the recorded value (`orch init`
// run again without --project-root keeps the root). The push policy and
// the concurrency are always taken: FlatBuffers cannot tell a scalar left
// out from one at its default, and `orch init` records both every time.
void ApplyProjectInitialized(const schema::ProjectInitialized& p, ProjectSettings* s);

}  // namespace orch

#endif  // ORCH_PROJECTIONS_PROJECT_SETTINGS_H_
