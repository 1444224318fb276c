#include "server/wire.h"

#include "absl/strings/str_cat.h"
#include "schema/fb_string.h"
#include "wire_generated.h"

namespace orch::server {

namespace {

constexpr char kIdentifier[] = "ORW1";

flatbuffers::Offset<flatbuffers::Vector<uint8_t>> Bytes(flatbuffers::FlatBufferBuilder& fbb,
                                                        absl::string_view s) {
  return fbb.CreateVector(reinterpret_cast<const uint8_t*>(s.data()), s.size());
}

std::string Str(const flatbuffers::Vector<uint8_t>* v) {
  return v == nullptr ? std::string() : std::string(reinterpret_cast<const char*>(v->data()), v->size());
}

// Strings through the one null-safe helper; bytes (above) beside it.
std::string Str(const flatbuffers::String* s) { return FbString(s); }

std::string Finished(flatbuffers::FlatBufferBuilder& fbb) {
  return std::string(reinterpret_cast<const char*>(fbb.GetBufferPointer()), fbb.GetSize());
}

template <typename T>
absl::StatusOr<const T*> Verified(absl::string_view bytes, const char* what) {
  flatbuffers::Verifier v(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
  if (!v.VerifyBuffer<T>(kIdentifier)) return absl::InvalidArgumentError(absl::StrCat("malformed ", what));
  return flatbuffers::GetRoot<T>(bytes.data());
}

}  // namespace

std::string EncodeRequest(const Request& r) {
  flatbuffers::FlatBufferBuilder fbb(256 + (r.input ? r.input->size() : 0));
  std::vector<flatbuffers::Offset<wire::Bytes>> args;
  for (const std::string& a : r.args) args.push_back(wire::CreateBytes(fbb, Bytes(fbb, a)));
  std::vector<flatbuffers::Offset<wire::EnvVar>> env;
  for (const auto& [name, value] : r.env)
    env.push_back(wire::CreateEnvVar(fbb, fbb.CreateString(name), Bytes(fbb, value)));
  const auto args_off = fbb.CreateVector(args);
  const auto env_off = fbb.CreateVector(env);
  const auto cwd = Bytes(fbb, r.cwd);
  const auto store = Bytes(fbb, r.store);
  const auto input = r.input ? Bytes(fbb, *r.input) : 0;
  const wire::Op op = r.op == Op::kRun ? wire::Op::Run : r.op == Op::kPing ? wire::Op::Ping : wire::Op::Stop;
  fbb.Finish(wire::CreateRequest(fbb, op, args_off, cwd, env_off, store, input, r.input.has_value()),
             kIdentifier);
  return Finished(fbb);
}

absl::StatusOr<Request> DecodeRequest(absl::string_view bytes) {
  absl::StatusOr<const wire::Request*> v = Verified<wire::Request>(bytes, "request");
  if (!v.ok()) return v.status();
  const wire::Request& w = **v;
  if (static_cast<int>(w.op()) < 0 || static_cast<int>(w.op()) > static_cast<int>(wire::Op::MAX))
    return absl::InvalidArgumentError("malformed request: unknown op");
  Request r;
  switch (w.op()) {
    case wire::Op::Run:
      r.op = Op::kRun;
      break;
    case wire::Op::Ping:
      r.op = Op::kPing;
      break;
    case wire::Op::Stop:
      r.op = Op::kStop;
      break;
  }
  if (w.args() != nullptr) {
    for (const wire::Bytes* a : *w.args()) r.args.push_back(a == nullptr ? "" : Str(a->data()));
  }
  if (w.env() != nullptr) {
    for (const wire::EnvVar* e : *w.env()) {
      if (e != nullptr) r.env.emplace_back(Str(e->name()), Str(e->value()));
    }
  }
  r.cwd = Str(w.cwd());
  r.store = Str(w.store());
  if (w.has_input()) r.input = Str(w.input());
  return r;
}

std::string EncodeReply(const Reply& r) {
  flatbuffers::FlatBufferBuilder fbb(128 + r.out.size() + r.err.size());
  const auto out = Bytes(fbb, r.out);
  const auto err = Bytes(fbb, r.err);
  const auto store = fbb.CreateString(r.store);
  const auto socket = fbb.CreateString(r.socket);
  const auto http = fbb.CreateString(r.http);
  fbb.Finish(
      wire::CreateReply(fbb, r.accepted, r.exit_code, out, err, r.pid, store, socket, http, r.stopping),
      kIdentifier);
  return Finished(fbb);
}

absl::StatusOr<Reply> DecodeReply(absl::string_view bytes) {
  absl::StatusOr<const wire::Reply*> v = Verified<wire::Reply>(bytes, "answer");
  if (!v.ok()) return v.status();
  const wire::Reply& w = **v;
  Reply r;
  r.accepted = w.accepted();
  r.exit_code = w.exit_code();
  r.out = Str(w.out());
  r.err = Str(w.err());
  r.pid = w.pid();
  r.store = Str(w.store());
  r.socket = Str(w.socket());
  r.http = Str(w.http());
  r.stopping = w.stopping();
  return r;
}

}  // namespace orch::server
