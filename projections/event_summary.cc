#include "projections/event_summary.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/time_text.h"
#include "projections/event_family.h"
#include "schema/event_schema.h"
#include "schema/fb_string.h"

namespace orch {

namespace {

using T = schema::Payload;

constexpr auto S = FbString;

// "a.cc b.cc +3": the first few entries of a list.
std::string List(const flatbuffers::Vector<flatbuffers::Offset<flatbuffers::String>>* v, size_t max = 3) {
  if (v == nullptr || v->size() == 0) return "";
  std::vector<std::string> parts;
  for (size_t i = 0; i < v->size() && i < max; ++i) parts.push_back(v->Get(i)->str());
  std::string out = absl::StrJoin(parts, " ");
  if (v->size() > max) absl::StrAppend(&out, " +", v->size() - max);
  return out;
}

std::string Short(const std::string& commit) { return commit.substr(0, 10); }

// "a (b)" or "a" or "b", skipping empty parts.
std::string Join2(const std::string& a, const std::string& b) {
  if (a.empty()) return b;
  if (b.empty()) return a;
  return absl::StrCat(a, " (", b, ")");
}

}  // namespace

std::string EventTypeName(schema::Payload type) {
  const char* name = schema::EnumNamePayload(type);
  if (name == nullptr || *name == '\0') return "unknown";
  return ToKebab(name);
}

namespace {

// The project, its lanes, its settings and the log itself.
std::string SummarizeProjectEvent(const schema::Event& e) {
  switch (e.payload_type()) {
    case T::ProjectInitialized: {
      const auto* p = e.payload_as_ProjectInitialized();
      return absl::StrCat(S(p->default_branch()), " -> ", S(p->remote()), ", push ",
                          ToKebab(schema::EnumNamePushPolicy(p->push_policy())), ", max ",
                          p->max_concurrency());
    }
    case T::PackageOpened: {
      const auto* p = e.payload_as_PackageOpened();
      const std::string opened = Join2(S(p->package_id()), S(p->title()));
      if (p->switch_reason() == nullptr || p->switch_reason()->size() == 0) return opened;
      return absl::StrCat(opened, " (switched: ", S(p->switch_reason()), ")");
    }
    case T::PackageClosed:
      return Join2(S(e.payload_as_PackageClosed()->package_id()), S(e.payload_as_PackageClosed()->reason()));
    case T::PackageBlocked:
      return Join2(S(e.payload_as_PackageBlocked()->package_id()),
                   S(e.payload_as_PackageBlocked()->reason()));
    case T::RunModeChanged: {
      const auto* p = e.payload_as_RunModeChanged();
      return Join2(schema::EnumNameRunMode(p->mode()), S(p->reason()));
    }
    case T::Settings: {
      const auto* p = e.payload_as_Settings();
      std::vector<std::string> parts;
      if (p->missed_after_seconds() > 0)
        parts.push_back(absl::StrCat("missed after ", FormatDurationShort(p->missed_after_seconds())));
      if (p->stale_after_seconds() > 0)
        parts.push_back(absl::StrCat("stale after ", FormatDurationShort(p->stale_after_seconds())));
      if (p->watch_every_seconds() > 0)
        parts.push_back(absl::StrCat("watch every ", FormatDurationShort(p->watch_every_seconds())));
      return absl::StrJoin(parts, ", ");
    }
    case T::StoreRecovered: {
      const auto* p = e.payload_as_StoreRecovered();
      if (p->lost() != nullptr && p->lost()->size() > 0) return absl::StrCat("lost seq ", List(p->lost(), 4));
      if (p->lost_after_seq() != 0) return absl::StrCat("lost everything after seq ", p->lost_after_seq());
      return "nothing lost";
    }
    default:
      return "";
  }
}

// The loop's pulse.
std::string SummarizeLoopEvent(const schema::Event& e) {
  switch (e.payload_type()) {
    case T::Heartbeat: {
      const auto* p = e.payload_as_Heartbeat();
      return Join2(S(p->source()), p->next_expected_at() != 0
                                       ? absl::StrCat("next ", FormatRfc3339(p->next_expected_at()))
                                       : "");
    }
    case T::HeartbeatMissed: {
      const auto* p = e.payload_as_HeartbeatMissed();
      return absl::StrCat("expected ", FormatRfc3339(p->expected_at()), ", ",
                          FormatDurationShort(p->gap_seconds()), " late");
    }
    default:
      return "";
  }
}

// A task from dispatch to completion, and what orch saw of it.
std::string SummarizeWorkEvent(const schema::Event& e) {
  switch (e.payload_type()) {
    case T::Dispatched: {
      const auto* p = e.payload_as_Dispatched();
      return Join2(S(p->title()), p->branch() ? absl::StrCat("branch ", S(p->branch())) : "");
    }
    case T::WorktreeReady:
      return S(e.payload_as_WorktreeReady()->worktree());
    case T::SetupFailed:
      return S(e.payload_as_SetupFailed()->reason());
    case T::Committed: {
      const auto* p = e.payload_as_Committed();
      return Join2(Short(S(p->commit())), S(p->message()));
    }
    case T::Completed: {
      const auto* p = e.payload_as_Completed();
      return p->claimed_evidence() ? absl::StrCat("claims ", S(p->claimed_evidence())) : "";
    }
    case T::Inspected: {
      const auto* p = e.payload_as_Inspected();
      std::string out = p->reviewable() ? "reviewable" : "not reviewable";
      if (p->problems() != nullptr && p->problems()->size() > 0)
        absl::StrAppend(&out, ": ", List(p->problems(), 2));
      return out;
    }
    case T::Gate: {
      const auto* p = e.payload_as_Gate();
      return absl::StrCat(S(p->command()), ": ", schema::EnumNameGateResult(p->result()),
                          p->label() ? absl::StrCat(" (", S(p->label()), ")") : "");
    }
    default:
      return "";
  }
}

// Reviews, integration and clean-up.
std::string SummarizeReviewEvent(const schema::Event& e) {
  switch (e.payload_type()) {
    case T::ReviewStarted:
      return S(e.payload_as_ReviewStarted()->reviewer());
    case T::Reviewed: {
      const auto* p = e.payload_as_Reviewed();
      std::string out = ToKebab(schema::EnumNameVerdict(p->verdict()));
      if (p->reviewer()) absl::StrAppend(&out, " by ", S(p->reviewer()));
      if (p->override_reason() != nullptr && p->override_reason()->size() > 0) {
        absl::StrAppend(&out, ", OVERRIDE: ", S(p->override_reason()));
      }
      return out;
    }
    case T::ReviewImported: {
      const auto* p = e.payload_as_ReviewImported();
      return absl::StrCat(S(p->reviewer()), ": ", schema::EnumNameExternalReviewStatus(p->status()), ", P1 ",
                          p->p1(), ", P2 ", p->p2(),
                          p->package_id() != nullptr && p->package_id()->size() > 0
                              ? absl::StrCat(" (lane ", S(p->package_id()), ")")
                              : "");
    }
    case T::Merged: {
      const auto* p = e.payload_as_Merged();
      return Join2(Short(S(p->merge_commit())),
                   p->target_branch() ? absl::StrCat("into ", S(p->target_branch())) : "");
    }
    case T::Pushed: {
      const auto* p = e.payload_as_Pushed();
      return Join2(S(p->remote()), Short(S(p->commit())));
    }
    case T::Cleaned: {
      const auto* p = e.payload_as_Cleaned();
      return absl::StrCat(p->worktree_removed() ? "worktree removed" : "worktree kept", ", ",
                          p->branch_deleted() ? "branch deleted" : "branch kept");
    }
    default:
      return "";
  }
}

// Blocking, abandoning, and what the watchdog and observe found.
std::string SummarizeStopEvent(const schema::Event& e) {
  switch (e.payload_type()) {
    case T::Blocked: {
      const auto* p = e.payload_as_Blocked();
      return absl::StrCat(S(p->reason()), p->needs_human() ? " (needs a human)" : "");
    }
    case T::Unblocked:
      return S(e.payload_as_Unblocked()->reason());
    case T::Abandoned:
      return S(e.payload_as_Abandoned()->reason());
    case T::StaleDetected: {
      const auto* p = e.payload_as_StaleDetected();
      std::string idle = absl::StrCat("idle ", FormatDurationShort(p->idle_seconds()));
      // The watchdog names why (idle, runtime-budget, review-budget);
      // older events say only how long.
      if (p->reason() != nullptr && p->reason()->size() > 0 && p->reason()->str() != "idle") {
        absl::StrAppend(&idle, " (", S(p->reason()), ")");
      }
      return Join2(idle, S(p->suggested_action()));
    }
    case T::DriftDetected: {
      const auto* p = e.payload_as_DriftDetected();
      return absl::StrCat(S(p->kind()), ": log says ", S(p->log_says()), "; git shows ", S(p->git_shows()));
    }
    default:
      return "";
  }
}

}  // namespace

std::string SummarizeEvent(const schema::Event& e) {
  if (e.payload() == nullptr) return "";
  switch (FamilyOf(e.payload_type())) {
    case EventFamily::kProject:
      return SummarizeProjectEvent(e);
    case EventFamily::kLoop:
      return SummarizeLoopEvent(e);
    case EventFamily::kWork:
      return SummarizeWorkEvent(e);
    case EventFamily::kReview:
      return SummarizeReviewEvent(e);
    case EventFamily::kStop:
      return SummarizeStopEvent(e);
    case EventFamily::kNote:
      return S(e.payload_as_Note()->text());
    case EventFamily::kNone:
      return "";
  }
  return "";  // a type this binary does not know
}

}  // namespace orch
