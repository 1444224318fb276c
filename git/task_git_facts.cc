#include "git/task_git_facts.h"

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"

namespace orch::git {

namespace {

std::string Str(const flatbuffers::String* s) { return s == nullptr ? std::string() : s->str(); }

// Later events refine earlier ones; an empty field keeps what was known.
void SetIfGiven(std::string* field, const flatbuffers::String* value) {
  if (value != nullptr && value->size() > 0) *field = value->str();
}

std::vector<std::string> List(const flatbuffers::Vector<flatbuffers::Offset<flatbuffers::String>>* v) {
  std::vector<std::string> out;
  if (v == nullptr) return out;
  for (const auto* s : *v) out.push_back(Str(s));
  return out;
}

}  // namespace

std::string DriftKey(absl::string_view kind, absl::string_view git_shows) {
  return absl::StrCat(kind, "\x1f", git_shows);
}

void GitFactsFold::Apply(const LoggedEvent& e) {
  const schema::Event& ev = e.event();
  if (e.type() == EventType::ProjectInitialized) {
    const auto* p = ev.payload_as_ProjectInitialized();
    if (p == nullptr) return;
    SetIfGiven(&project_.project_root, p->project_root());
    SetIfGiven(&project_.default_branch, p->default_branch());
    SetIfGiven(&project_.remote, p->remote());
    return;
  }
  const std::string task(e.task());
  if (task.empty()) {
    if (const auto* d = ev.payload_as_DriftDetected(); d != nullptr) {
      project_.drift_seen.insert(DriftKey(Str(d->kind()), Str(d->git_shows())));
    }
    return;
  }
  TaskGitFacts& t = tasks_[task];
  t.spec.task = task;
  ApplyStep(&t.lifecycle, ev);
  switch (e.type()) {
    case EventType::Dispatched: {
      const auto* p = ev.payload_as_Dispatched();
      if (p == nullptr) break;
      SetIfGiven(&t.spec.branch, p->branch());
      SetIfGiven(&t.spec.base_commit, p->base_commit());
      SetIfGiven(&t.spec.self_review_path, p->self_review_path());
      t.spec.allowed = List(p->allowed());
      t.spec.forbidden = List(p->forbidden());
      break;
    }
    case EventType::WorktreeReady: {
      const auto* p = ev.payload_as_WorktreeReady();
      if (p == nullptr) break;
      SetIfGiven(&t.spec.worktree, p->worktree());
      SetIfGiven(&t.spec.branch, p->branch());
      SetIfGiven(&t.spec.base_commit, p->base_commit());
      break;
    }
    case EventType::Completed: {
      const auto* p = ev.payload_as_Completed();
      if (p != nullptr) SetIfGiven(&t.spec.self_review_path, p->self_review_path());
      break;
    }
    case EventType::Merged: {
      const auto* p = ev.payload_as_Merged();
      if (p != nullptr) SetIfGiven(&t.merge_commit, p->merge_commit());
      break;
    }
    case EventType::Pushed: {
      const auto* p = ev.payload_as_Pushed();
      if (p != nullptr) SetIfGiven(&t.pushed_commit, p->commit());
      break;
    }
    case EventType::DriftDetected: {
      const auto* p = ev.payload_as_DriftDetected();
      if (p != nullptr) t.drift_seen.insert(DriftKey(Str(p->kind()), Str(p->git_shows())));
      break;
    }
    default:
      break;
  }
}

absl::StatusOr<GitFactsFold> LoadGitFacts(const EventStore& store, const std::optional<std::string>& task) {
  GitFactsFold fold;
  auto visit = [&fold](const LoggedEvent& e) {
    fold.Apply(e);
    return true;
  };
  if (!task.has_value()) {
    ORCH_RETURN_IF_ERROR(store.Scan(EventQuery{}, visit));
    return fold;
  }
  EventQuery settings;
  settings.types = {EventType::ProjectInitialized};
  ORCH_RETURN_IF_ERROR(store.Scan(settings, visit));
  EventQuery mine;
  mine.task = *task;
  ORCH_RETURN_IF_ERROR(store.Scan(mine, visit));
  return fold;
}

}  // namespace orch::git
