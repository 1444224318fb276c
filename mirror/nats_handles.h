// RAII owners for the nats.c handles orch uses, and the one mapping from a
// nats.c failure to an absl::Status.
//
// nats.c hands out raw pointers each freed by its own *_Destroy function;
// wrapping them in unique_ptr with a deleter means an early return (every
// ORCH_RETURN_IF_ERROR) cannot leak a connection, a message or an ack.
#ifndef ORCH_MIRROR_NATS_HANDLES_H_
#define ORCH_MIRROR_NATS_HANDLES_H_

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "nats/nats.h"

namespace orch::mirror {

template <typename T, void (*Destroy)(T*)>
struct NatsDeleter {
  void operator()(T* p) const {
    if (p != nullptr) Destroy(p);
  }
};

using OptionsPtr = std::unique_ptr<natsOptions, NatsDeleter<natsOptions, natsOptions_Destroy>>;
using ConnectionPtr = std::unique_ptr<natsConnection, NatsDeleter<natsConnection, natsConnection_Destroy>>;
using JsCtxPtr = std::unique_ptr<jsCtx, NatsDeleter<jsCtx, jsCtx_Destroy>>;
using MsgPtr = std::unique_ptr<natsMsg, NatsDeleter<natsMsg, natsMsg_Destroy>>;
using PubAckPtr = std::unique_ptr<jsPubAck, NatsDeleter<jsPubAck, jsPubAck_Destroy>>;
using StreamInfoPtr = std::unique_ptr<jsStreamInfo, NatsDeleter<jsStreamInfo, jsStreamInfo_Destroy>>;
using SubscriptionPtr =
    std::unique_ptr<natsSubscription, NatsDeleter<natsSubscription, natsSubscription_Destroy>>;
using MetaDataPtr = std::unique_ptr<jsMsgMetaData, NatsDeleter<jsMsgMetaData, jsMsgMetaData_Destroy>>;

// `what` failed with `s` (and the JetStream error code, 0 when none) as a
// Status: the server unreachable, a timeout or a closed connection ->
// Unavailable (exit 4: wait and retry); a wrong last sequence -> Aborted
// (someone else wrote the subject); a missing stream or message ->
// NotFound; anything else -> Unavailable with nats.c's own text.
absl::Status NatsError(const std::string& what, natsStatus s, jsErrCode js_code = static_cast<jsErrCode>(0));

}  // namespace orch::mirror

#endif  // ORCH_MIRROR_NATS_HANDLES_H_
