// The checkpoint form of a ProjectModel: a compact, deterministic binary
// encoding (same model -> same bytes), read back without loss.
//
//   checkpoint := core details
//   core       := magic "ORCHPM" header body
//   details    := magic "ORCHPD" header task-count task-details*
//   header     := version(1) seq(8, big-endian)
//                 max_at(8, big-endian, two's complement)
//   body       := the model's members in the order of the structs' field
//                 lists (field_list.h), except the task details; unsigned
//                 integers as LEB128 varints, signed ones zig-zagged, bools
//                 as one byte, strings and lists as a varint count
//                 followed by the items.
//   task-details := TaskModel's Detail{} members: constraint_stack
//                   residual_risks gate_runs evidence_notes history
//                   transitions
//
// The task details are what only the ledger and status.html's picture show
// (most of a checkpoint's bytes). The two parts can be stored apart (EncodeModelParts) so the
// status pages read and decode the core alone.
//
// The header can be read without decoding the body (PeekCheckpoint), so a
// time-travel query can skip checkpoints taken after the moment it wants.
// A checkpoint of another codec version is refused (FailedPrecondition):
// the caller folds from scratch instead, so changing the model only costs
// one rebuild.
#ifndef ORCH_PROJECTIONS_MODEL_CODEC_H_
#define ORCH_PROJECTIONS_MODEL_CODEC_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "projections/project_model.h"

namespace orch {

// Bump whenever ProjectModel or the fold's meaning changes.
inline constexpr uint8_t kModelCodecVersion = 8;

struct CheckpointHeader {
  uint8_t version = 0;
  uint64_t seq = 0;    // the model's head_seq
  int64_t max_at = 0;  // the latest event time folded in
};

// The whole model as one buffer: core followed by details.
std::string EncodeModel(const ProjectModel& model);

struct EncodedModel {
  std::string core;     // everything but the task details (starts with the header)
  std::string details;  // the tasks' details, with the same header
};
EncodedModel EncodeModelParts(const ProjectModel& model);

// DataLoss for truncated or malformed bytes; FailedPrecondition for another
// codec version. The returned model's index is rebuilt.
absl::StatusOr<ProjectModel> DecodeModel(absl::string_view bytes);

// A model from its parts. Without `details` the tasks' budget,
// constraint_stack, residual_risks, gate_runs, evidence_notes, history and
// transitions are left empty: enough
// for the text, Markdown and JSON status pages, NOT for the ledger or the
// HTML page's picture. Errors as DecodeModel; DataLoss when
// the details are of another seq or do not match the core's tasks.
absl::StatusOr<ProjectModel> DecodeModelParts(absl::string_view core,
                                              std::optional<absl::string_view> details);

// Empties what only the details part holds (the Detail{} members of
// TaskModel's field list): `m` as DecodeModelParts returns it without
// details.
void DropDetails(ProjectModel* m);

// One task's facts (task_facts.h), e.g. for the lifecycle guard's rows:
// a version byte and the same encoding as inside a checkpoint.
// DecodeTaskFacts: DataLoss for malformed bytes, FailedPrecondition for
// another codec version.
std::string EncodeTaskFacts(const TaskFacts& facts);
absl::StatusOr<TaskFacts> DecodeTaskFacts(absl::string_view bytes);

// The header alone. Same errors as DecodeModel for the header part.
absl::StatusOr<CheckpointHeader> PeekCheckpoint(absl::string_view bytes);

}  // namespace orch

#endif  // ORCH_PROJECTIONS_MODEL_CODEC_H_
