// Field-by-field comparison of the plain data the folds produce, naming
// every difference ("tasks[T1].facts.state: merged vs accepted").
//
// A model struct is compared member by member through its field list
// (field_list.h), the same list the checkpoint codec walks; a member whose
// values need words (TaskState, LaneStatus) has its own overload.
// operator== of those structs is "no difference".
#ifndef ORCH_PROJECTIONS_FIELD_DIFF_H_
#define ORCH_PROJECTIONS_FIELD_DIFF_H_

#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "projections/field_list.h"

namespace orch {

// Differences, one line each: "path: a vs b".
using Differences = std::vector<std::string>;

inline void Compare(const std::string& path, const std::string& a, const std::string& b, Differences* out) {
  if (a != b) out->push_back(absl::StrCat(path, ": '", a, "' vs '", b, "'"));
}
inline void Compare(const std::string& path, bool a, bool b, Differences* out) {
  if (a != b) out->push_back(absl::StrCat(path, ": ", a ? "true" : "false", " vs ", b ? "true" : "false"));
}
template <typename N, typename = std::enable_if_t<std::is_arithmetic_v<N> || std::is_enum_v<N>>>
void Compare(const std::string& path, N a, N b, Differences* out) {
  if constexpr (std::is_enum_v<N>) {
    using U = std::underlying_type_t<N>;
    if (a != b)
      out->push_back(absl::StrCat(path, ": #", static_cast<int64_t>(static_cast<U>(a)), " vs #",
                                  static_cast<int64_t>(static_cast<U>(b))));
  } else {
    if (a != b) out->push_back(absl::StrCat(path, ": ", a, " vs ", b));
  }
}

// Lists: a length difference, else the items that differ, each named
// path[key(i)].
template <typename List, typename Key>
void CompareListBy(const std::string& path, const List& a, const List& b, Key key, Differences* out) {
  if (a.size() != b.size()) {
    out->push_back(absl::StrCat(path, ": ", a.size(), " items vs ", b.size()));
    return;
  }
  for (size_t i = 0; i < a.size(); ++i) Compare(absl::StrCat(path, "[", key(i), "]"), a[i], b[i], out);
}
// By index: "path[0]".
template <typename List>
void CompareList(const std::string& path, const List& a, const List& b, Differences* out) {
  CompareListBy(
      path, a, b, [](size_t i) { return i; }, out);
}
template <typename T>
void Compare(const std::string& path, const std::vector<T>& a, const std::vector<T>& b, Differences* out) {
  CompareList(path, a, b, out);
}
template <typename T>
void Compare(const std::string& path, const std::deque<T>& a, const std::deque<T>& b, Differences* out) {
  CompareList(path, a, b, out);
}

// A struct with a field list (field_list.h): each listed member but the
// derived ones, named "path.member" ("member" at the top, path "").
template <typename S, typename = std::enable_if_t<kHasFieldList<S>>>
void Compare(const std::string& path, const S& a, const S& b, Differences* out) {
  CheckFieldList<S>();
  S::Fields([&](const char* name, auto member, auto... opt) {
    if constexpr (PartOf<decltype(opt)...>() != FieldPart::kDerived) {
      Compare(path.empty() ? std::string(name) : absl::StrCat(path, ".", name), a.*member, b.*member, out);
    }
  });
}

}  // namespace orch

#endif  // ORCH_PROJECTIONS_FIELD_DIFF_H_
