// Field-by-field comparison of the plain data the folds produce, naming
// every difference ("tasks[T1].facts.state: merged vs accepted").
//
// Each struct lists its fields once, by hand, in its own Compare overload
// (task_facts.cc, project_model.cc): independent of the checkpoint codec,
// so a field the codec forgets shows up as a difference after a round trip.
// operator== of those structs is "no difference".
//
// Also FieldCount<T>(): the number of members of an aggregate, so a static
// check can fail when a field is added and the lists here, the codec and
// their test were not updated.
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

// Lists: a length difference, else the items that differ (by index).
template <typename List>
void CompareList(const std::string& path, const List& a, const List& b, Differences* out) {
  if (a.size() != b.size()) {
    out->push_back(absl::StrCat(path, ": ", a.size(), " items vs ", b.size()));
    return;
  }
  for (size_t i = 0; i < a.size(); ++i) Compare(absl::StrCat(path, "[", i, "]"), a[i], b[i], out);
}
template <typename T>
void Compare(const std::string& path, const std::vector<T>& a, const std::vector<T>& b, Differences* out) {
  CompareList(path, a, b, out);
}
template <typename T>
void Compare(const std::string& path, const std::deque<T>& a, const std::deque<T>& b, Differences* out) {
  CompareList(path, a, b, out);
}

namespace field_count_internal {

// Converts to any member type; only ever named in unevaluated contexts.
struct AnyField {
  template <typename T>
  operator T() const;  // NOLINT: implicit on purpose
};

template <typename T, typename Seq, typename = void>
struct Accepts : std::false_type {};
template <typename T, size_t... I>
struct Accepts<T, std::index_sequence<I...>, std::void_t<decltype(T{(static_cast<void>(I), AnyField{})...})>>
    : std::true_type {};

template <typename T, size_t N>
constexpr size_t Count() {
  if constexpr (Accepts<T, std::make_index_sequence<N + 1>>::value) {
    return Count<T, N + 1>();
  } else {
    return N;
  }
}

}  // namespace field_count_internal

// The number of members of the aggregate T (each member, whatever its type,
// takes one initializer).
template <typename T>
constexpr size_t FieldCount() {
  static_assert(std::is_aggregate_v<T>, "FieldCount needs an aggregate");
  return field_count_internal::Count<T, 0>();
}

}  // namespace orch

#endif  // ORCH_PROJECTIONS_FIELD_DIFF_H_
