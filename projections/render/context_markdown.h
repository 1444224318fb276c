// `orch context`: a short Markdown resume for a fresh orchestrator session
// (after a restart or a context compaction): the loop's settings, the
// current lane, each open task in one line (state, branch, what it waits
// for), open risks, the next action and what to read first.
//
// Bounded however long the history: at most kContextTaskLines task lines
// (the most urgent first; the rest counted), every value clipped, and the
// whole page under kContextMaxBytes. Pure; escapes every value for
// Markdown (status_markdown.h).
#ifndef ORCH_PROJECTIONS_RENDER_CONTEXT_MARKDOWN_H_
#define ORCH_PROJECTIONS_RENDER_CONTEXT_MARKDOWN_H_

#include <cstddef>
#include <cstdint>
#include <string>

#include "projections/project_model.h"

namespace orch {

inline constexpr size_t kContextTaskLines = 15;
inline constexpr size_t kContextMaxBytes = 4000;

std::string RenderContextMarkdown(const ProjectModel& model, int64_t now);

}  // namespace orch

#endif  // ORCH_PROJECTIONS_RENDER_CONTEXT_MARKDOWN_H_
