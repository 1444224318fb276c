#include "eventstore/record_builder.h"

#include "events_generated.h"

namespace orch {

std::string BuildRecord(uint64_t seq, uint64_t version, int64_t time_ns, absl::string_view prev_hash,
                        absl::string_view anomaly, absl::string_view event) {
  flatbuffers::FlatBufferBuilder fbb(event.size() + 128);
  auto prev = fbb.CreateVector(reinterpret_cast<const uint8_t*>(prev_hash.data()), prev_hash.size());
  auto anomaly_off = anomaly.empty() ? 0 : fbb.CreateString(anomaly.data(), anomaly.size());
  fbb.ForceVectorAlignment(event.size(), 1, 8);  // nested buffers need their own alignment
  auto ev = fbb.CreateVector(reinterpret_cast<const uint8_t*>(event.data()), event.size());
  schema::RecordBuilder rb(fbb);
  rb.add_seq(seq);
  rb.add_task_version(version);
  rb.add_time_ns(time_ns);
  rb.add_prev_hash(prev);
  if (!anomaly.empty()) rb.add_anomaly(anomaly_off);
  rb.add_event(ev);
  schema::FinishRecordBuffer(fbb, rb.Finish());
  return std::string(reinterpret_cast<const char*>(fbb.GetBufferPointer()), fbb.GetSize());
}

}  // namespace orch
