#include "git/task_git_facts.h"

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "schema/fb_string.h"

namespace orch::git {

namespace {

constexpr auto Str = FbString;

}  // namespace

std::string DriftKey(absl::string_view kind, absl::string_view git_shows) {
  return absl::StrCat(kind, "\x1f", git_shows);
}

TaskGitSpec SpecOf(const std::string& task, const TaskFacts& f) {
  TaskGitSpec spec;
  spec.task = task;
  spec.branch = f.branch;
  spec.base_commit = f.base_commit;
  spec.worktree = f.worktree;
  spec.allowed = f.allowed;
  spec.forbidden = f.forbidden;
  spec.self_review_path = f.self_review_path;
  return spec;
}

void GitFactsFold::Apply(const LoggedEvent& e) {
  tasks_.Apply(e);
  const schema::Event& ev = e.event();
  if (const auto* p = ev.payload_as_ProjectInitialized(); p != nullptr) {
    ApplyProjectInitialized(*p, &project_.settings);
    return;
  }
  if (const auto* d = ev.payload_as_DriftDetected(); d != nullptr) {
    const std::string key = DriftKey(Str(d->kind()), Str(d->git_shows()));
    if (e.task().empty()) {
      project_.drift_seen.insert(key);
      const std::string kind = Str(d->kind());
      if (kind == "integration-dirty" || kind == "integration-clean") {
        project_.integration_dirty = kind == "integration-dirty";
        project_.integration_seq = e.seq();
        project_.integration_dirt = project_.integration_dirty ? Str(d->git_shows()) : "";
      }
    } else {
      drift_seen_[std::string(e.task())].insert(key);
    }
  }
}

GitFacts GitFactsFold::Facts() const {
  GitFacts out;
  out.project = project_;
  for (const auto& [id, facts] : tasks_.tasks()) {
    TaskGitFacts& t = out.tasks[id];
    t.spec = SpecOf(id, facts);
    t.facts = facts;
    if (auto it = drift_seen_.find(id); it != drift_seen_.end()) t.drift_seen = it->second;
  }
  return out;
}

absl::StatusOr<GitFacts> LoadGitFacts(const EventStore& store, const std::optional<std::string>& task) {
  if (!task.has_value()) {
    GitFactsFold fold;
    ORCH_RETURN_IF_ERROR(store.Scan(EventQuery{}, [&fold](const LoggedEvent& e) {
      fold.Apply(e);
      return true;
    }));
    return fold.Facts();
  }
  GitFacts out;
  EventQuery settings;
  settings.types = {EventType::ProjectInitialized};
  ORCH_RETURN_IF_ERROR(store.Scan(settings, [&out](const LoggedEvent& e) {
    if (const auto* p = e.event().payload_as_ProjectInitialized()) {
      ApplyProjectInitialized(*p, &out.project.settings);
    }
    return true;
  }));
  if (task->empty()) return out;  // the project settings alone
  TaskGitFacts& t = out.tasks[*task];
  ORCH_ASSIGN_OR_RETURN(t.facts, LoadTaskFacts(store, *task));
  t.spec = SpecOf(*task, t.facts);
  EventQuery drift;
  drift.task = *task;
  drift.types = {EventType::DriftDetected};
  ORCH_RETURN_IF_ERROR(store.Scan(drift, [&t](const LoggedEvent& e) {
    const auto* d = e.event().payload_as_DriftDetected();
    if (d != nullptr) t.drift_seen.insert(DriftKey(Str(d->kind()), Str(d->git_shows())));
    return true;
  }));
  return out;
}

}  // namespace orch::git
