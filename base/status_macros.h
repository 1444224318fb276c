// Early-return helpers for absl::Status (Debian's Abseil 20220623 has none).
#ifndef ORCH_BASE_STATUS_MACROS_H_
#define ORCH_BASE_STATUS_MACROS_H_

#include "absl/status/status.h"

#define ORCH_RETURN_IF_ERROR(expr)               \
  do {                                           \
    ::absl::Status orch_status_ = (expr);        \
    if (!orch_status_.ok()) return orch_status_; \
  } while (0)

#define ORCH_CONCAT_INNER_(a, b) a##b
#define ORCH_CONCAT_(a, b) ORCH_CONCAT_INNER_(a, b)

// ORCH_ASSIGN_OR_RETURN(auto x, StatusOrExpr());
#define ORCH_ASSIGN_OR_RETURN(lhs, expr) \
  ORCH_ASSIGN_OR_RETURN_IMPL_(ORCH_CONCAT_(orch_statusor_, __LINE__), lhs, expr)
#define ORCH_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                                \
  if (!tmp.ok()) return tmp.status();               \
  lhs = std::move(tmp).value()

#endif  // ORCH_BASE_STATUS_MACROS_H_
