// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// Key-value records: {"key": K, "value": V[, "expires_us": T][, "encoding": "base64"]}.
// K and V are text when both are valid UTF-8, else both are base64 and "encoding" says so.
// expires_us is the absolute expiry (microseconds since the Unix epoch) of a key with a TTL.
#include <limits>

#include "core/codec/value_envelope.h"
#include "core/engine/engine.h"
#include "core/engine/read_source.h"
#include "core/util/strings.h"
#include "models/kv/kv_codec.h"
#include "rocksdb/iterator.h"
#include "tessera/kv.h"
#include "tessera/status.h"
#include "tools/transfer/model_io.h"

namespace tessera::transfer::io {
namespace {

absl::Status KvForEach(DB* db, const ObjectInfo& info, const Snapshot& snap, const RecordFn& fn) {
  // Read the stored envelopes (not KvStore::Scan) to carry each key's expiry.
  auto it = snap.source().NewIterator(internal::Cf::kData, kv::EncodeKey(info.id, ""),
                                      kv::EncodeKey(info.id + 1, ""));
  const int64_t now = internal::Engine::NowMicros();
  for (it->get()->SeekToFirst(); it->get()->Valid(); it->get()->Next()) {
    rocksdb::Slice k = it->get()->key();
    rocksdb::Slice v = it->get()->value();
    codec::Envelope env;
    if (!codec::DecodeEnvelope(std::string_view(v.data(), v.size()), &env)) {
      return absl::DataLossError(util::StrCat("kv ", info.name, ": a malformed stored value"));
    }
    if (codec::IsExpired(env, now)) continue;
    std::string_view key = kv::UserKey(std::string_view(k.data(), k.size()));
    bool b64 = !IsValidUtf8(key) || !IsValidUtf8(env.payload);
    Json rec = Json::object();
    SetBytesField(&rec, "key", key, b64);
    SetBytesField(&rec, "value", env.payload, b64);
    if (env.expiry_us != 0) rec["expires_us"] = env.expiry_us;
    if (b64) rec["encoding"] = "base64";
    RETURN_IF_ERROR(fn(std::move(rec)));
  }
  rocksdb::Status s = it->get()->status();
  if (!s.ok()) return absl::InternalError(util::StrCat("kv ", info.name, ": ", s.ToString()));
  return absl::OkStatus();
}

class KvSink final : public RecordSink {
 public:
  KvSink(std::unique_ptr<KvStore> kv, std::string ns, size_t batch)
      : kv_(std::move(kv)), ns_(std::move(ns)), batch_(batch) {}

  absl::Status Add(Json rec, size_t line) override {
    if (!rec.is_object()) {
      return absl::InvalidArgumentError(util::StrCat("line ", line, ": not a JSON object"));
    }
    KvWrite w;
    absl::StatusOr<std::string> key = BytesField(rec, "key");
    if (!key.ok()) return Located(key.status(), line);
    absl::StatusOr<std::string> value = BytesField(rec, "value");
    if (!value.ok()) return Located(value.status(), line);
    w.key = std::move(*key);
    w.value = std::move(*value);
    if (w.key.empty() || w.key.size() > kMaxKvKeyBytes) {
      return absl::InvalidArgumentError(
          util::StrCat("line ", line, ": the key is ", w.key.size(), " bytes (1..8192)"));
    }
    if (auto e = rec.find("expires_us"); e != rec.end() && !e->is_null()) {
      if (!e->is_number_integer()) {
        return absl::InvalidArgumentError(
            util::StrCat("line ", line, ": expires_us must be an integer (microseconds)"));
      }
      int64_t expiry = e->get<int64_t>();
      int64_t left = expiry - internal::Engine::NowMicros();
      if (left <= 0) {
        ++skipped_expired_;
        return absl::OkStatus();
      }
      // TTLs are whole seconds: round up so that a key never expires before its time.
      w.ttl_seconds = (left + 999999) / 1000000;
    }
    writes_.push_back(std::move(w));
    last_line_ = line;
    if (writes_.size() >= batch_) return Flush();
    return absl::OkStatus();
  }

  absl::Status Flush() override {
    if (writes_.empty()) return absl::OkStatus();
    absl::Status s = kv_->WriteBatch(ns_, writes_);
    if (!s.ok()) {
      return absl::Status(
          s.code(), util::StrCat("the batch ending at line ", last_line_, " was not written (",
                                 written_, " records before it were): ", s.message()));
    }
    written_ += writes_.size();
    writes_.clear();
    return absl::OkStatus();
  }

 private:
  static absl::Status Located(const absl::Status& s, size_t line) {
    return absl::Status(s.code(), util::StrCat("line ", line, ": ", s.message()));
  }

  std::unique_ptr<KvStore> kv_;
  std::string ns_;
  size_t batch_;
  std::vector<KvWrite> writes_;
  size_t last_line_ = 0;
};

}  // namespace

const ModelIo& KvIo() {
  static const ModelIo io{
      .definition = [](DB*, const ObjectInfo&, const Snapshot&) -> absl::StatusOr<Json> {
        return Json::object();
      },
      .for_each = KvForEach,
      .define = [](DB* db, std::string_view name, const Json&) -> absl::Status {
        ASSIGN_OR_RETURN(auto kv, KvStore::Open(db));
        return kv->CreateNamespace(name);
      },
      .finish = [](DB*, std::string_view, const Json&) { return absl::OkStatus(); },
      .sink = [](DB* db, std::string_view name,
                 const SinkOptions& o) -> absl::StatusOr<std::unique_ptr<RecordSink>> {
        ASSIGN_OR_RETURN(auto kv, KvStore::Open(db));
        return std::unique_ptr<RecordSink>(
            new KvSink(std::move(kv), std::string(name), o.batch_records));
      },
  };
  return io;
}

std::vector<std::string> KvCsvHeader() { return {"key", "value", "expires_us"}; }

absl::StatusOr<std::vector<std::string>> KvRecordToCsv(const Json& rec) {
  ASSIGN_OR_RETURN(std::string key, BytesField(rec, "key"));
  ASSIGN_OR_RETURN(std::string value, BytesField(rec, "value"));
  std::string expiry;
  if (auto e = rec.find("expires_us"); e != rec.end()) expiry = std::to_string(e->get<int64_t>());
  return std::vector<std::string>{std::move(key), std::move(value), std::move(expiry)};
}

absl::StatusOr<Json> KvCsvToRecord(const std::vector<std::string>& f) {
  if (f.size() != 2 && f.size() != 3) {
    return absl::InvalidArgumentError(
        util::StrCat("expected 2 or 3 fields (key,value[,expires_us]), found ", f.size()));
  }
  bool b64 = !IsValidUtf8(f[0]) || !IsValidUtf8(f[1]);
  Json rec = Json::object();
  SetBytesField(&rec, "key", f[0], b64);
  SetBytesField(&rec, "value", f[1], b64);
  if (f.size() == 3 && !f[2].empty()) {
    std::optional<int64_t> e = codec::ParseDecimalInt64(f[2]);
    if (!e) {
      return absl::InvalidArgumentError(
          util::StrCat("expires_us '", f[2], "' is not an integer (microseconds)"));
    }
    rec["expires_us"] = *e;
  }
  if (b64) rec["encoding"] = "base64";
  return rec;
}

}  // namespace tessera::transfer::io
