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

// Every field, by hand (field_diff.h); model_codec.cc checks the count.
void Compare(const std::string& p, const ProjectSettings& a, const ProjectSettings& b, Differences* out) {
  Compare(p + ".project_root", a.project_root, b.project_root, out);
  Compare(p + ".default_branch", a.default_branch, b.default_branch, out);
  Compare(p + ".remote", a.remote, b.remote, out);
  Compare(p + ".push_policy", a.push_policy, b.push_policy, out);
  Compare(p + ".max_concurrency", a.max_concurrency, b.max_concurrency, out);
}

}  // namespace orch
