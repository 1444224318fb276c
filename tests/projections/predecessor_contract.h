// The predecessor's ledger contract: the JSON type of every key its readers
// (Go's encoding/json into fixed structs) demand, written out here from
// its notes (shared/notes/predecessor-ledger.md), independently of orch's
// code. One value of the wrong type anywhere fails the predecessor's reader
// on the whole file; unknown keys are ignored.
#ifndef ORCH_TESTS_PROJECTIONS_PREDECESSOR_CONTRACT_H_
#define ORCH_TESTS_PROJECTIONS_PREDECESSOR_CONTRACT_H_

#include <string>
#include <vector>

#include "nlohmann/json.hpp"

namespace orch::testing {

// Every breach of the contract in `ledger`, one line each, named by path
// like the predecessor's reader would ("tasks[0].history[2].seq: number
// where a string belongs"); empty when a predecessor reader accepts it.
// Stricter than Go in one way: null is refused where the contract does not
// allow it (orch writes "" and [] for unknown values).
std::vector<std::string> ContractViolations(const nlohmann::json& ledger);

// The task statuses the predecessor knows.
const std::vector<std::string>& PredecessorStatuses();
// Its run modes (dispatchMode).
const std::vector<std::string>& PredecessorDispatchModes();

}  // namespace orch::testing

#endif  // ORCH_TESTS_PROJECTIONS_PREDECESSOR_CONTRACT_H_
