#include "mirror/team_fold.h"

#include <map>
#include <set>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "eventstore/sha256.h"
#include "mirror/mirror_message.h"
#include "projections/project_fold.h"

namespace orch::mirror {

namespace {

struct ProjectEvents {
  TeamProject project;
  std::set<std::string> machines;
  std::map<uint64_t, ReceivedEvent> events;  // the first message of each seq
  uint64_t highest_so_far = 0;               // in stream order
};

std::string EventName(const LoggedEvent& e) {
  return e.task().empty() ? absl::StrCat("#", e.seq()) : absl::StrCat("#", e.seq(), " (", e.task(), ")");
}

void FoldProject(ProjectEvents& pe, const TeamFoldOptions& options) {
  TeamProject& p = pe.project;
  p.machines.assign(pe.machines.begin(), pe.machines.end());
  ProjectFold fold;
  uint64_t expected = 1;
  std::string prev_hash(kHashSize, '\0');
  bool broken = false;
  for (const auto& [seq, r] : pe.events) {
    if (seq != expected) {
      p.findings.push_back({"missing", expected, 0,
                            absl::StrCat("events #", expected, "..#", seq - 1, " are not in the stream")});
      broken = true;
    } else if (r.event.prev_hash() != prev_hash) {
      p.findings.push_back(
          {"forged", seq, r.stream_seq,
           absl::StrCat("event ", EventName(r.event), " (message ", r.stream_seq, ") does not link to #",
                        seq - 1, ": its prev-hash is not #", seq - 1, "'s hash")});
      broken = true;
    }
    if (!broken) {
      fold.Apply(r.event);
      p.folded_to = seq;
    }
    prev_hash = std::string(r.event.hash());
    expected = seq + 1;
    p.head_seq = seq;
  }
  if (broken) {
    p.findings.push_back(
        {"not-folded", p.folded_to + 1, 0,
         absl::StrCat("events after #", p.folded_to, " are not folded: the chain breaks there")});
  }
  p.model = fold.Take();
  p.view = BuildStatusView(p.model, options.now, options.since);
}

}  // namespace

TeamView FoldTeamMessages(const std::vector<StreamMessage>& messages, const TeamFoldOptions& options) {
  TeamView team;
  team.stream = options.stream;
  team.now = options.now;
  std::map<std::string, ProjectEvents> projects;
  for (const StreamMessage& m : messages) {
    auto r = ParseEventMessage(m);
    if (!r.ok()) {
      const std::string project = HeaderOf(m, kHeaderProject);
      uint64_t seq = 0;
      (void)absl::SimpleAtoi(HeaderOf(m, kHeaderSeq), &seq);
      ChainFinding f{"forged", seq, m.stream_seq, std::string(r.status().message())};
      if (project.empty()) {
        team.unattributed.push_back(std::move(f));
      } else {
        ProjectEvents& pe = projects[project];
        pe.project.name = project;
        ++pe.project.messages;
        pe.project.findings.push_back(std::move(f));
      }
      continue;
    }
    ProjectEvents& pe = projects[r->project];
    pe.project.name = r->project;
    ++pe.project.messages;
    pe.machines.insert(r->machine);
    const uint64_t seq = r->event.seq();
    if (seq < pe.highest_so_far) {
      pe.project.findings.push_back({"reordered", seq, m.stream_seq,
                                     absl::StrCat("event ", EventName(r->event), " (message ", m.stream_seq,
                                                  ") comes after #", pe.highest_so_far, " in the stream")});
    }
    pe.highest_so_far = std::max(pe.highest_so_far, seq);
    auto it = pe.events.find(seq);
    if (it != pe.events.end()) {
      const bool same = it->second.event.hash() == r->event.hash();
      pe.project.findings.push_back(
          {same ? "duplicate" : "fork", seq, m.stream_seq,
           absl::StrCat("event #", seq, " is in the stream twice (messages ", it->second.stream_seq, " and ",
                        m.stream_seq, ")", same ? "" : " with different contents")});
      continue;
    }
    pe.events.emplace(seq, std::move(*r));
  }
  for (auto& [name, pe] : projects) {
    FoldProject(pe, options);
    team.projects.push_back(std::move(pe.project));
  }
  return team;
}

absl::StatusOr<TeamView> FoldTeam(JetStreamClient& js, const TeamFoldOptions& options) {
  const std::string filter =
      options.project.empty() ? absl::StrCat(kSubjectRoot, ".>") : ProjectFilter(options.project);
  ORCH_ASSIGN_OR_RETURN(StreamSummary summary, js.Summary(options.stream, filter));
  std::vector<StreamMessage> messages;
  if (summary.matching > 0) {
    ORCH_RETURN_IF_ERROR(js.ReadAll(options.stream, filter, summary.first_seq, [&](const StreamMessage& m) {
      messages.push_back(m);
      return true;
    }));
  }
  return FoldTeamMessages(messages, options);
}

}  // namespace orch::mirror
