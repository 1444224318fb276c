#include "projections/render/team_pages.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/display_text.h"
#include "base/time_text.h"
#include "nlohmann/json.hpp"
#include "projections/render/html_escape.h"
#include "projections/render/status_html.h"
#include "projections/render/status_json.h"
#include "projections/render/status_markdown.h"
#include "projections/render/status_text.h"

namespace orch {

namespace {

std::string ChainLine(const TeamProject& p) {
  if (p.verified()) return absl::StrCat("chain verified #1..#", p.head_seq);
  return absl::StrCat("chain NOT verified (", p.findings.size(), " finding",
                      p.findings.size() == 1 ? "" : "s", "), folded #1..#", p.folded_to, " of #", p.head_seq);
}

std::string ProjectLine(const TeamProject& p) {
  return absl::StrCat(p.messages, " messages, machines: ", absl::StrJoin(p.machines, ", "), "; ",
                      ChainLine(p), "; next: ", p.view.next.action, " (", p.view.next.reason, ")");
}

nlohmann::json FindingJson(const ChainFinding& f) {
  return {{"kind", f.kind}, {"seq", f.seq}, {"streamSeq", f.stream_seq}, {"detail", f.detail}};
}

}  // namespace

std::string RenderTeamText(const TeamView& team) {
  std::string out =
      absl::StrCat("team: ", team.projects.size(), " project", team.projects.size() == 1 ? "" : "s",
                   " in stream ", EscapeForDisplay(team.stream), " (now ", FormatRfc3339(team.now), ")\n");
  const auto needs = TeamNeedsHuman(team);
  absl::StrAppend(&out, "\nneeds a human (", needs.size(), "):\n");
  if (needs.empty()) absl::StrAppend(&out, "  nothing\n");
  for (const auto& a : needs) {
    absl::StrAppend(&out, "  ", EscapeForDisplay(a.project), "  ", EscapeForDisplay(a.subject), ": ",
                    EscapeForDisplay(a.why), "\n");
  }
  absl::StrAppend(&out, "\nprojects:\n");
  for (const TeamProject& p : team.projects) {
    absl::StrAppend(&out, "  ", EscapeForDisplay(p.name), ": ", EscapeForDisplay(ProjectLine(p)), "\n");
  }
  for (const TeamProject& p : team.projects) {
    absl::StrAppend(&out, "\n== project ", EscapeForDisplay(p.name), " ==\n", RenderStatusText(p.view));
  }
  return out;
}

std::string RenderTeamMarkdown(const TeamView& team) {
  std::string out =
      absl::StrCat("# Team status: ", team.projects.size(), " project", team.projects.size() == 1 ? "" : "s",
                   " in stream ", MarkdownEscape(team.stream), "\n\nNow: ", FormatRfc3339(team.now),
                   "\n\n## Needs a human\n\n");
  const auto needs = TeamNeedsHuman(team);
  if (needs.empty()) absl::StrAppend(&out, "Nothing.\n");
  for (const auto& a : needs) {
    absl::StrAppend(&out, "- **", MarkdownEscape(a.project), "** ", MarkdownEscape(a.subject), ": ",
                    MarkdownEscape(a.why), "\n");
  }
  absl::StrAppend(&out, "\n## Projects\n\n");
  for (const TeamProject& p : team.projects) {
    absl::StrAppend(&out, "- **", MarkdownEscape(p.name), "**: ", MarkdownEscape(ProjectLine(p)), "\n");
  }
  for (const TeamProject& p : team.projects) {
    absl::StrAppend(&out, "\n---\n\n# Project ", MarkdownEscape(p.name), "\n\n",
                    RenderStatusMarkdown(p.view));
  }
  return out;
}

std::string RenderTeamJson(const TeamView& team) {
  nlohmann::json j;
  j["stream"] = team.stream;
  j["now"] = FormatRfc3339(team.now);
  j["needsHuman"] = nlohmann::json::array();
  for (const auto& a : TeamNeedsHuman(team)) {
    j["needsHuman"].push_back({{"project", a.project}, {"subject", a.subject}, {"why", a.why}});
  }
  j["projects"] = nlohmann::json::array();
  for (const TeamProject& p : team.projects) {
    nlohmann::json pj = {{"project", p.name},
                         {"machines", p.machines},
                         {"messages", p.messages},
                         {"headSeq", p.head_seq},
                         {"foldedTo", p.folded_to},
                         {"verified", p.verified()},
                         {"findings", nlohmann::json::array()}};
    for (const auto& f : p.findings) pj["findings"].push_back(FindingJson(f));
    pj["status"] = nlohmann::json::parse(RenderStatusJson(p.view), nullptr, /*allow_exceptions=*/false);
    j["projects"].push_back(std::move(pj));
  }
  j["unattributed"] = nlohmann::json::array();
  for (const auto& f : team.unattributed) j["unattributed"].push_back(FindingJson(f));
  return j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

std::string RenderTeamHtml(const TeamView& team) {
  std::string out = absl::StrCat(
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>orch team status</title>"
      "<style>body{font-family:sans-serif;margin:1.5em}iframe{width:100%;height:80vh;border:1px solid #ccc}"
      ".bad{color:#b00}</style></head><body>\n<h1>Team status: ",
      team.projects.size(), " project", team.projects.size() == 1 ? "" : "s", " in stream ",
      HtmlEscape(team.stream), "</h1>\n<p>Now: ", FormatRfc3339(team.now),
      "</p>\n<h2>Needs a human</h2>\n<ul>\n");
  const auto needs = TeamNeedsHuman(team);
  if (needs.empty()) absl::StrAppend(&out, "<li>Nothing.</li>\n");
  for (const auto& a : needs) {
    absl::StrAppend(&out, "<li", a.subject == "chain" ? " class=\"bad\"" : "", "><b>", HtmlEscape(a.project),
                    "</b> ", HtmlEscape(a.subject), ": ", HtmlEscape(a.why), "</li>\n");
  }
  absl::StrAppend(&out, "</ul>\n<h2>Projects</h2>\n<ul>\n");
  for (const TeamProject& p : team.projects) {
    absl::StrAppend(&out, "<li", p.verified() ? "" : " class=\"bad\"", "><b>", HtmlEscape(p.name),
                    "</b>: ", HtmlEscape(ProjectLine(p)), "</li>\n");
  }
  absl::StrAppend(&out, "</ul>\n");
  for (const TeamProject& p : team.projects) {
    absl::StrAppend(&out, "<h2>Project ", HtmlEscape(p.name), "</h2>\n<iframe title=\"", HtmlEscape(p.name),
                    "\" srcdoc=\"", HtmlEscape(RenderStatusHtml(p.model, p.view)), "\"></iframe>\n");
  }
  absl::StrAppend(&out, "</body></html>\n");
  return out;
}

}  // namespace orch
