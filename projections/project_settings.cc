#include "projections/project_settings.h"

#include "schema/event_schema.h"

namespace orch {

namespace {

void SetIfGiven(std::string* field, const flatbuffers::String* value) {
  if (value != nullptr && value->size() > 0) *field = value->str();
}

}  // namespace

void ApplyProjectInitialized(const schema::ProjectInitialized& p, ProjectSettings* s) {
  SetIfGiven(&s->project_root, p.project_root());
  SetIfGiven(&s->default_branch, p.default_branch());
  SetIfGiven(&s->remote, p.remote());
  s->push_policy = ToKebab(schema::EnumNamePushPolicy(p.push_policy()));
  s->max_concurrency = p.max_concurrency();
}

}  // namespace orch
