// One field list per model struct: the checkpoint codec (model_codec.cc),
// the comparison (field_diff.h) and the field count are all generated from
// it, so a member added to a struct is one more line in its list.
//
// A struct S lists its members in a static member template, in the order
// the codec writes them (checkpoints already written must keep decoding):
//
//   template <typename F>
//   static constexpr void Fields(F&& f) {
//     f("seq", &HistoryEntry::seq);
//     f("note", &HistoryEntry::note);
//   }
//
// A member may carry one option after its pointer:
//   Detail{}      written in the checkpoint's details part, not its core
//                 (TaskModel's lists only the ledger and the HTML read);
//   Derived{}     rebuilt from the others: neither written nor compared;
//   OnlyIf{&S::b} written only when the bool member b is set (compared
//                 always).
// CheckFieldList<S>() fails the build when S has a member its list lacks.
#ifndef ORCH_PROJECTIONS_FIELD_LIST_H_
#define ORCH_PROJECTIONS_FIELD_LIST_H_

#include <cstddef>
#include <deque>
#include <type_traits>
#include <vector>

#include "projections/field_count.h"

namespace orch {

struct Detail {};
struct Derived {};
template <typename S>
struct OnlyIf {
  bool S::*flag;
};
template <typename S>
OnlyIf(bool S::*) -> OnlyIf<S>;

// The list types members may have: a count, then the items.
template <typename T>
struct IsList : std::false_type {};
template <typename T>
struct IsList<std::vector<T>> : std::true_type {};
template <typename T>
struct IsList<std::deque<T>> : std::true_type {};

// Which part of a checkpoint a member is written in (or none).
enum class FieldPart { kCore, kDetail, kDerived };

template <typename... Opt>
constexpr FieldPart PartOf() {
  if constexpr ((std::is_same_v<Opt, Detail> || ...)) {
    return FieldPart::kDetail;
  } else if constexpr ((std::is_same_v<Opt, Derived> || ...)) {
    return FieldPart::kDerived;
  } else {
    return FieldPart::kCore;
  }
}

// Whether `s` has the member at all: false only when its OnlyIf flag is
// clear.
template <typename S>
constexpr bool Present(const S&) {
  return true;
}
template <typename S, typename T>
constexpr bool Present(const S& s, OnlyIf<T> o) {
  return s.*(o.flag);
}
template <typename S, typename Opt>
constexpr bool Present(const S&, Opt) {
  return true;
}

// Takes any list entry; names the visitor type for HasFieldList.
struct AnyFieldVisitor {
  template <typename... A>
  constexpr void operator()(const char*, A...) const {}
};

// True for a struct with a field list.
template <typename S, typename = void>
struct HasFieldList : std::false_type {};
template <typename S>
struct HasFieldList<S, std::void_t<decltype(S::Fields(AnyFieldVisitor{}))>> : std::true_type {};
template <typename S>
inline constexpr bool kHasFieldList = HasFieldList<S>::value;

// The number of members S lists (derived ones too).
template <typename S>
constexpr size_t ListedFields() {
  size_t n = 0;
  S::Fields([&n](const char*, auto, auto...) { ++n; });
  return n;
}

// Every member of S is in its list: no hand-kept count to update.
template <typename S>
constexpr void CheckFieldList() {
  static_assert(ListedFields<S>() == FieldCount<S>(),
                "a member of this struct is missing from its Fields() list");
}

}  // namespace orch

#endif  // ORCH_PROJECTIONS_FIELD_LIST_H_
