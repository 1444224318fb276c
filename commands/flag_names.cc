#include "commands/flag_names.h"

#include "absl/strings/str_cat.h"

namespace orch {

std::string CliNames(const PayloadField& f) {
  std::string names = "--" + f.flag;
  for (const std::string& a : f.flag_aliases) absl::StrAppend(&names, ",--", a);
  return names;
}

std::string CliNames(const EventSchema& schema, EventType type, absl::string_view field) {
  const EventTypeInfo* info = schema.Find(type);
  const PayloadField* f = info == nullptr ? nullptr : info->FindField(field);
  return f == nullptr ? "--" + ToKebab(field) : CliNames(*f);
}

std::string OneSpellingFormatter::make_option_name(const CLI::Option* opt, bool is_positional) const {
  if (is_positional || opt->get_lnames().size() < 2)
    return CLI::Formatter::make_option_name(opt, is_positional);
  std::string out;
  for (const std::string& s : opt->get_snames()) absl::StrAppend(&out, "-", s, ",");
  return absl::StrCat(out, "--", opt->get_lnames().front());
}

}  // namespace orch
