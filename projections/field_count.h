// FieldCount<T>(): the number of members of an aggregate, so a static
// check (CheckFieldList, field_list.h) fails when a member is added to a
// model struct but not to its field list.
#ifndef ORCH_PROJECTIONS_FIELD_COUNT_H_
#define ORCH_PROJECTIONS_FIELD_COUNT_H_

#include <cstddef>
#include <type_traits>
#include <utility>

namespace orch {

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

#endif  // ORCH_PROJECTIONS_FIELD_COUNT_H_
