#include "mirror/jetstream.h"

#include <cstdlib>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "base/status_macros.h"
#include "mirror/nats_url.h"

namespace orch::mirror {

namespace {

int64_t Millis(absl::Duration d) { return absl::ToInt64Milliseconds(d); }

// Given to natsOptions_SetRetryOnFailedConnect only so that a first connect
// that fails returns at once (NATS_NOT_YET_CONNECTED) and the library goes
// on trying in the background: without a callback natsConnection_Connect
// blocks until it connects, for ever with unlimited reconnects, silent and
// deaf to SIGTERM (the caller polls connected() instead).
void OnConnected(natsConnection*, void*) {}

StreamMessage ToStreamMessage(natsMsg* m, uint64_t stream_seq, int64_t time_ns) {
  StreamMessage out;
  out.stream_seq = stream_seq;
  out.time_ns = time_ns;
  out.subject = natsMsg_GetSubject(m);
  out.data.assign(natsMsg_GetData(m), static_cast<size_t>(natsMsg_GetDataLength(m)));
  const char** keys = nullptr;
  int count = 0;
  if (natsMsgHeader_Keys(m, &keys, &count) == NATS_OK) {
    for (int i = 0; i < count; ++i) {
      const char* value = nullptr;
      if (natsMsgHeader_Get(m, keys[i], &value) == NATS_OK && value != nullptr) out.headers[keys[i]] = value;
    }
    free(keys);
  }
  return out;
}

}  // namespace

absl::Status NatsError(const std::string& what, natsStatus s, jsErrCode js_code) {
  std::string text = absl::StrCat(what, ": ", natsStatus_GetText(s));
  if (js_code != 0) absl::StrAppend(&text, " (JetStream error ", static_cast<int>(js_code), ")");
  if (js_code == JSStreamWrongLastSequenceErr) return absl::AbortedError(text);
  if (js_code == JSStreamNotFoundErr || js_code == JSNoMessageFoundErr) return absl::NotFoundError(text);
  switch (s) {
    case NATS_NOT_FOUND:
      return absl::NotFoundError(text);
    case NATS_INVALID_ARG:
    case NATS_INVALID_SUBJECT:
      return absl::InvalidArgumentError(text);
    default:
      return absl::UnavailableError(text);
  }
}

absl::StatusOr<std::unique_ptr<JetStreamClient>> JetStreamClient::Connect(const ConnectOptions& options) {
  natsOptions* raw_opts = nullptr;
  natsStatus s = natsOptions_Create(&raw_opts);
  OptionsPtr opts(raw_opts);
  // A cluster is several URLs, comma-separated: each is a server to try.
  const std::vector<std::string> urls = absl::StrSplit(options.url, ',', absl::SkipWhitespace());
  std::vector<const char*> servers;
  for (const std::string& u : urls) servers.push_back(u.c_str());
  if (servers.empty())
    return absl::InvalidArgumentError(
        absl::StrCat("bad --nats '", RedactNatsUrl(options.url), "': give a URL such as nats://host:4222"));
  if (s == NATS_OK) s = natsOptions_SetServers(opts.get(), servers.data(), static_cast<int>(servers.size()));
  if (s == NATS_OK) s = natsOptions_SetTimeout(opts.get(), Millis(options.connect_timeout));
  if (s == NATS_OK) s = natsOptions_SetReconnectWait(opts.get(), Millis(options.reconnect_wait));
  // --once gives up after the first round of attempts; --follow never does.
  if (s == NATS_OK) s = natsOptions_SetMaxReconnect(opts.get(), options.keep_trying ? -1 : 0);
  if (s == NATS_OK && options.keep_trying)
    s = natsOptions_SetRetryOnFailedConnect(opts.get(), true, &OnConnected, nullptr);
  if (s != NATS_OK)
    return absl::InvalidArgumentError(
        absl::StrCat("bad --nats '", RedactNatsUrl(options.url), "': ", natsStatus_GetText(s)));
  natsConnection* raw_nc = nullptr;
  s = natsConnection_Connect(&raw_nc, opts.get());
  auto client = std::unique_ptr<JetStreamClient>(new JetStreamClient());
  client->nc_.reset(raw_nc);
  // With retry on, NATS_NOT_YET_CONNECTED: the library goes on trying in
  // the background (each attempt bounded by connect_timeout).
  if (s != NATS_OK && !(options.keep_trying && s == NATS_NOT_YET_CONNECTED)) {
    return NatsError(absl::StrCat("cannot reach NATS at ", RedactNatsUrl(options.url)), s);
  }
  jsOptions jo;
  jsOptions_Init(&jo);
  jo.Wait = Millis(options.timeout);
  jsCtx* raw_js = nullptr;
  s = natsConnection_JetStream(&raw_js, client->nc_.get(), &jo);
  if (s != NATS_OK) return NatsError("cannot use JetStream", s);
  client->js_.reset(raw_js);
  client->options_ = options;
  return client;
}

bool JetStreamClient::connected() const {
  return natsConnection_Status(nc_.get()) == NATS_CONN_STATUS_CONNECTED;
}

absl::Status JetStreamClient::EnsureStream(const StreamSettings& settings) {
  jsErrCode code = static_cast<jsErrCode>(0);
  jsStreamInfo* raw = nullptr;
  natsStatus s = js_GetStreamInfo(&raw, js_.get(), settings.name.c_str(), nullptr, &code);
  StreamInfoPtr info(raw);
  if (s == NATS_OK) return absl::OkStatus();
  if (s != NATS_NOT_FOUND && code != JSStreamNotFoundErr) {
    return NatsError(absl::StrCat("cannot look up stream ", settings.name), s, code);
  }
  jsStreamConfig cfg;
  jsStreamConfig_Init(&cfg);
  const char* subjects[] = {settings.subjects.c_str()};
  cfg.Name = settings.name.c_str();
  cfg.Subjects = subjects;
  cfg.SubjectsLen = 1;
  cfg.Storage = js_FileStorage;
  cfg.Retention = js_LimitsPolicy;
  cfg.Duplicates = absl::ToInt64Nanoseconds(settings.duplicates);
  cfg.Replicas = settings.replicas;
  cfg.DenyDelete = true;  // the log is append-only in the stream too
  raw = nullptr;
  s = js_AddStream(&raw, js_.get(), &cfg, nullptr, &code);
  StreamInfoPtr added(raw);
  if (s != NATS_OK) return NatsError(absl::StrCat("cannot create stream ", settings.name), s, code);
  return absl::OkStatus();
}

absl::StatusOr<PublishAck> JetStreamClient::Publish(const PublishRequest& r) {
  natsMsg* raw = nullptr;
  natsStatus s =
      natsMsg_Create(&raw, r.subject.c_str(), nullptr, r.data.data(), static_cast<int>(r.data.size()));
  MsgPtr msg(raw);
  for (const auto& [k, v] : r.headers) {
    if (s == NATS_OK) s = natsMsgHeader_Set(msg.get(), k.c_str(), v.c_str());
  }
  if (s != NATS_OK) return NatsError(absl::StrCat("cannot build a message for ", r.subject), s);
  jsPubOptions po;
  jsPubOptions_Init(&po);
  po.MsgId = r.msg_id.c_str();
  po.MaxWait = Millis(options_.timeout);
  if (r.expected_last_subject_seq == 0) {
    po.ExpectNoMessage = true;
  } else {
    po.ExpectLastSubjectSeq = r.expected_last_subject_seq;
  }
  jsPubAck* raw_ack = nullptr;
  jsErrCode code = static_cast<jsErrCode>(0);
  s = js_PublishMsg(&raw_ack, js_.get(), msg.get(), &po, &code);
  PubAckPtr ack(raw_ack);
  if (s != NATS_OK) return NatsError(absl::StrCat("publish to ", r.subject), s, code);
  return PublishAck{ack->Sequence, ack->Duplicate};
}

absl::StatusOr<StreamSummary> JetStreamClient::Summary(const std::string& stream, const std::string& filter) {
  jsOptions jo;
  jsOptions_Init(&jo);
  jo.Wait = Millis(options_.timeout);
  jo.Stream.Info.SubjectsFilter = filter.c_str();
  jsErrCode code = static_cast<jsErrCode>(0);
  jsStreamInfo* raw = nullptr;
  natsStatus s = js_GetStreamInfo(&raw, js_.get(), stream.c_str(), &jo, &code);
  StreamInfoPtr info(raw);
  if (s != NATS_OK) return NatsError(absl::StrCat("cannot read stream ", stream), s, code);
  StreamSummary out;
  out.first_seq = info->State.FirstSeq;
  out.last_seq = info->State.LastSeq;
  out.msgs = info->State.Msgs;
  if (info->State.Subjects != nullptr) {
    for (int i = 0; i < info->State.Subjects->Count; ++i) {
      out.subjects[info->State.Subjects->List[i].Subject] = info->State.Subjects->List[i].Msgs;
      out.matching += info->State.Subjects->List[i].Msgs;
    }
  }
  return out;
}

absl::StatusOr<std::optional<StreamMessage>> JetStreamClient::Get(const std::string& stream, uint64_t seq) {
  natsMsg* raw = nullptr;
  jsErrCode code = static_cast<jsErrCode>(0);
  natsStatus s = js_GetMsg(&raw, js_.get(), stream.c_str(), seq, nullptr, &code);
  MsgPtr msg(raw);
  if (s == NATS_NOT_FOUND || code == JSNoMessageFoundErr) return std::nullopt;
  if (s != NATS_OK) return NatsError(absl::StrCat("cannot read message ", seq, " of ", stream), s, code);
  return ToStreamMessage(msg.get(), natsMsg_GetSequence(msg.get()), natsMsg_GetTime(msg.get()));
}

absl::StatusOr<std::optional<StreamMessage>> JetStreamClient::GetLast(const std::string& stream,
                                                                      const std::string& subject) {
  natsMsg* raw = nullptr;
  jsErrCode code = static_cast<jsErrCode>(0);
  natsStatus s = js_GetLastMsg(&raw, js_.get(), stream.c_str(), subject.c_str(), nullptr, &code);
  MsgPtr msg(raw);
  if (s == NATS_NOT_FOUND || code == JSNoMessageFoundErr) return std::nullopt;
  if (s != NATS_OK) return NatsError(absl::StrCat("cannot read the last message of ", subject), s, code);
  return ToStreamMessage(msg.get(), natsMsg_GetSequence(msg.get()), natsMsg_GetTime(msg.get()));
}

absl::Status JetStreamClient::ReadAll(const std::string& stream, const std::string& filter, uint64_t from_seq,
                                      const std::function<bool(const StreamMessage&)>& visit) {
  jsOptions jo;
  jsOptions_Init(&jo);
  jo.Wait = Millis(options_.timeout);
  jsSubOptions so;
  jsSubOptions_Init(&so);
  so.Stream = stream.c_str();
  so.Config.DeliverPolicy = js_DeliverByStartSequence;
  so.Config.OptStartSeq = from_seq < 1 ? 1 : from_seq;
  // Acknowledging the last of each batch acknowledges the batch, so the
  // server never stalls on unacknowledged messages.
  so.Config.AckPolicy = js_AckAll;
  so.Config.InactiveThreshold = absl::ToInt64Nanoseconds(absl::Minutes(1));
  natsSubscription* raw_sub = nullptr;
  jsErrCode code = static_cast<jsErrCode>(0);
  natsStatus s = js_PullSubscribe(&raw_sub, js_.get(), filter.c_str(), nullptr, &jo, &so, &code);
  SubscriptionPtr sub(raw_sub);
  if (s != NATS_OK) return NatsError(absl::StrCat("cannot read stream ", stream), s, code);
  absl::Status result;
  bool more = true;
  while (more) {
    jsFetchRequest req;
    jsFetchRequest_Init(&req);
    req.Batch = 256;
    req.NoWait = true;
    req.Expires = absl::ToInt64Nanoseconds(options_.timeout);
    natsMsgList list = {nullptr, 0};
    s = natsSubscription_FetchRequest(&list, sub.get(), &req);
    if (s == NATS_NOT_FOUND || s == NATS_TIMEOUT || (s == NATS_OK && list.Count == 0)) {
      natsMsgList_Destroy(&list);
      break;
    }
    if (s != NATS_OK) {
      natsMsgList_Destroy(&list);
      result = NatsError(absl::StrCat("cannot read stream ", stream), s);
      break;
    }
    for (int i = 0; i < list.Count && more; ++i) {
      jsMsgMetaData* raw_meta = nullptr;
      if (natsMsg_GetMetaData(&raw_meta, list.Msgs[i]) != NATS_OK) continue;
      MetaDataPtr meta(raw_meta);
      more = visit(ToStreamMessage(list.Msgs[i], meta->Sequence.Stream, meta->Timestamp));
      if (meta->NumPending == 0) more = false;
    }
    if (list.Count > 0) natsMsg_Ack(list.Msgs[list.Count - 1], &jo);
    natsMsgList_Destroy(&list);
  }
  natsSubscription_Unsubscribe(sub.get());
  return result;
}

}  // namespace orch::mirror
