// The recorded night in fixtures/night-01: a store holding exactly its
// events, the pinned "now" and "since" its goldens were rendered with, and
// golden-file comparison (ORCH_UPDATE_GOLDENS=1 rewrites instead).
#ifndef ORCH_TESTS_PROJECTIONS_NIGHT_FIXTURE_H_
#define ORCH_TESTS_PROJECTIONS_NIGHT_FIXTURE_H_

#include <string>
#include <vector>

namespace orch::testing {

inline constexpr char kNightNow[] = "2026-11-25T07:00:00Z";
inline constexpr char kNightSince[] = "2026-11-24T22:00:00Z";

// <source tree>/fixtures/night-01/<name> (see SourceDir())
std::string NightFile(const std::string& name);
// The fixture's JSONL lines.
std::vector<std::string> NightLines();
// The non-empty lines of <source tree>/fixtures/<path>.
std::vector<std::string> FixtureLines(const std::string& path);

// Creates an empty store at `store` (no project-initialized event: the
// fixture brings its own) and emits `lines` with `orch emit --jsonl`.
void EmitLines(const std::string& store, const std::vector<std::string>& lines, bool create = true);

// Args pinning now and since, so pages do not depend on the clock.
std::vector<std::string> Pinned(std::vector<std::string> args);

// Compares `actual` with the golden file `name`; with ORCH_UPDATE_GOLDENS=1
// writes it instead (and still passes).
void ExpectGolden(const std::string& name, const std::string& actual);
// The same for <source tree>/fixtures/<path>.
void ExpectGoldenFixture(const std::string& path, const std::string& actual);

}  // namespace orch::testing

#endif  // ORCH_TESTS_PROJECTIONS_NIGHT_FIXTURE_H_
