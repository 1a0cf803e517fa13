// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// Graph reads (see graph_reader.h).
#include "models/graph/graph_reader.h"

#include "core/codec/value_envelope.h"
#include "core/engine/engine.h"
#include "core/util/rocks_status.h"
#include "core/util/strings.h"
#include "tessera/status.h"

namespace tessera::graph {
namespace {

using internal::Cf;

class AdjCursor final : public Cursor<AdjEntry> {
 public:
  AdjCursor(internal::Engine* engine, internal::ReadSource* src, std::vector<std::string> prefixes)
      : engine_(engine), src_(src), prefixes_(std::move(prefixes)) {
    if (engine_ != nullptr) engine_->live_handles().fetch_add(1);
    OpenNext();
    Settle();
  }
  ~AdjCursor() override {
    it_.reset();
    if (engine_ != nullptr) engine_->live_handles().fetch_sub(1);
  }
  bool Valid() const override { return valid_; }
  void Next() override {
    if (!valid_) return;
    (*it_)->Next();
    Settle();
  }
  const AdjEntry& entry() const override { return entry_; }
  absl::Status status() const override { return status_; }

 private:
  void OpenNext() {
    it_.reset();
    if (next_ >= prefixes_.size()) return;
    const std::string& p = prefixes_[next_++];
    it_ = src_->NewIterator(Cf::kAdj, p, codec::PrefixSuccessor(p));
    (*it_)->SeekToFirst();
  }
  void Settle() {
    valid_ = false;
    while (it_ != nullptr) {
      if ((*it_)->Valid()) {
        rocksdb::Slice k = (*it_)->key();
        rocksdb::Slice v = (*it_)->value();
        if (!DecodeAdjKey(std::string_view(k.data(), k.size()), &entry_) ||
            !DecodeWeight(std::string_view(v.data(), v.size()), &entry_.weight)) {
          status_ = absl::DataLossError("graph: malformed adjacency entry");
          it_.reset();
          return;
        }
        valid_ = true;
        return;
      }
      status_ = internal::FromRocks((*it_)->status(), "graph adjacency scan");
      if (!status_.ok()) {
        it_.reset();
        return;
      }
      OpenNext();
    }
  }

  internal::Engine* const engine_;
  internal::ReadSource* const src_;
  const std::vector<std::string> prefixes_;
  size_t next_ = 0;
  std::unique_ptr<internal::BoundedIterator> it_;
  bool valid_ = false;
  AdjEntry entry_;
  absl::Status status_;
};

absl::StatusOr<int64_t> ReadCounter(internal::ReadSource* src, const std::string& key) {
  std::string raw;
  bool found = false;
  RETURN_IF_ERROR(src->Get(Cf::kData, key, &raw, &found));
  if (!found) return 0;
  codec::Envelope env;
  std::optional<int64_t> v;
  if (codec::DecodeEnvelope(raw, &env)) v = codec::ParseDecimalInt64(env.payload);
  if (!v) return absl::DataLossError("graph: malformed degree counter");
  return *v;
}

}  // namespace

std::unique_ptr<Cursor<AdjEntry>> NewAdjCursor(internal::Engine* engine, internal::ReadSource* src,
                                               std::vector<std::string> prefixes) {
  return std::make_unique<AdjCursor>(engine, src, std::move(prefixes));
}

std::vector<std::string> AdjPrefixes(uint64_t g, std::string_view vid, Direction dir,
                                     const std::vector<std::string>& types) {
  std::vector<std::string> out;
  std::vector<Direction> dirs;
  if (dir == Direction::kBoth) {
    dirs = {Direction::kOut, Direction::kIn};
  } else {
    dirs = {dir};
  }
  if (types.empty() && dir == Direction::kBoth) {
    out.push_back(AdjVertexPrefix(g, vid));
    return out;
  }
  for (Direction d : dirs) {
    if (types.empty()) {
      out.push_back(AdjDirPrefix(g, vid, d));
      continue;
    }
    for (const std::string& t : types) out.push_back(AdjTypePrefix(g, vid, d, t));
  }
  return out;
}

absl::Status GraphReader::ForEachEdge(std::string_view vid, Direction dir,
                                      const std::vector<std::string>& types,
                                      absl::FunctionRef<bool(const AdjEntry&)> fn) {
  if (adj_busy_) {  // called from inside fn: a cursor of its own
    AdjCursor c(nullptr, src_, AdjPrefixes(g_, vid, dir, types));
    for (; c.Valid(); c.Next()) {
      if (!fn(c.entry())) return absl::OkStatus();
    }
    return c.status();
  }
  if (adj_it_ == nullptr) {
    std::string p = GraphPrefix(g_);
    adj_it_ = src_->NewIterator(Cf::kAdj, p, codec::PrefixSuccessor(p));
  }
  // The prefixes, as AdjPrefixes builds them, into reused strings.
  size_t n = 0;
  auto next_prefix = [&]() -> std::string& {
    if (prefixes_.size() <= n) prefixes_.emplace_back();
    std::string& k = prefixes_[n++];
    k.clear();
    codec::PutFixed64BE(&k, g_);
    codec::PutFixed16BE(&k, static_cast<uint16_t>(vid.size()));
    k.append(vid);
    return k;
  };
  if (types.empty() && dir == Direction::kBoth) {
    next_prefix();
  } else {
    for (Direction d : {Direction::kOut, Direction::kIn}) {
      if (dir != Direction::kBoth && dir != d) continue;
      if (types.empty()) {
        next_prefix().push_back(static_cast<char>(d));
        continue;
      }
      for (const std::string& t : types) {
        std::string& k = next_prefix();
        k.push_back(static_cast<char>(d));
        k.push_back(static_cast<char>(static_cast<uint8_t>(t.size())));
        k.append(t);
      }
    }
  }
  adj_busy_ = true;
  struct Release {
    bool* busy;
    ~Release() { *busy = false; }
  } release{&adj_busy_};
  rocksdb::Iterator* it = adj_it_->get();
  AdjEntry e;
  for (size_t i = 0; i < n; ++i) {
    const std::string& p = prefixes_[i];
    for (it->Seek(p); it->Valid(); it->Next()) {
      rocksdb::Slice k = it->key();
      if (!k.starts_with(p)) break;
      rocksdb::Slice v = it->value();
      if (!DecodeAdjKey(std::string_view(k.data(), k.size()), &e) ||
          !DecodeWeight(std::string_view(v.data(), v.size()), &e.weight)) {
        return absl::DataLossError(util::StrCat("graph ", name_, ": malformed adjacency entry"));
      }
      if (!fn(e)) return absl::OkStatus();
    }
    RETURN_IF_ERROR(internal::FromRocks(it->status(), "graph adjacency scan"));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::optional<VertexRecord>> GraphReader::GetVertex(std::string_view vid) {
  std::string raw;
  bool found = false;
  RETURN_IF_ERROR(src_->Get(Cf::kData, VertexKey(g_, vid), &raw, &found));
  if (!found) return std::optional<VertexRecord>();
  auto rec = DecodeVertex(raw);
  if (!rec) return absl::DataLossError(util::StrCat("graph ", name_, ": malformed vertex record"));
  return rec;
}

absl::Status GraphReader::RequireVertex(std::string_view vid) {
  ASSIGN_OR_RETURN(auto rec, GetVertex(vid));
  if (!rec) {
    return absl::NotFoundError(
        util::StrCat("graph ", name_, ": vertex \"", vid.substr(0, 128), "\" does not exist"));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::pair<int64_t, int64_t>> GraphReader::Degrees(std::string_view vid) {
  ASSIGN_OR_RETURN(int64_t out, ReadCounter(src_, DegreeKey(g_, vid, Direction::kOut)));
  ASSIGN_OR_RETURN(int64_t in, ReadCounter(src_, DegreeKey(g_, vid, Direction::kIn)));
  return std::make_pair(out, in);
}

absl::Status GraphReader::ForEachVertex(
    absl::FunctionRef<void(std::string_view, const VertexRecord&)> fn) {
  std::string p = VertexPrefix(g_);
  auto it = src_->NewIterator(Cf::kData, p, codec::PrefixSuccessor(p));
  for ((*it)->SeekToFirst(); (*it)->Valid(); (*it)->Next()) {
    rocksdb::Slice k = (*it)->key();
    rocksdb::Slice v = (*it)->value();
    auto rec = DecodeVertex(std::string_view(v.data(), v.size()));
    if (!rec) return absl::DataLossError(util::StrCat("graph ", name_, ": malformed vertex"));
    fn(std::string_view(k.data() + p.size(), k.size() - p.size()), *rec);
  }
  return internal::FromRocks((*it)->status(), "graph vertex scan");
}

absl::Status GraphReader::ForEachAdjEntry(
    absl::FunctionRef<bool(std::string_view, const AdjEntry&)> fn) {
  std::string p = GraphPrefix(g_);
  auto it = src_->NewIterator(Cf::kAdj, p, codec::PrefixSuccessor(p));
  AdjEntry e;
  std::string_view vertex;
  for ((*it)->SeekToFirst(); (*it)->Valid(); (*it)->Next()) {
    rocksdb::Slice k = (*it)->key();
    rocksdb::Slice v = (*it)->value();
    if (!DecodeAdjKey(std::string_view(k.data(), k.size()), &e, &vertex) ||
        !DecodeWeight(std::string_view(v.data(), v.size()), &e.weight)) {
      return absl::DataLossError(util::StrCat("graph ", name_, ": malformed adjacency entry"));
    }
    if (!fn(vertex, e)) return absl::OkStatus();
  }
  return internal::FromRocks((*it)->status(), "graph adjacency scan");
}

absl::Status GraphReader::ForEachOutEdge(
    absl::FunctionRef<void(std::string_view, const AdjEntry&)> fn) {
  return ForEachAdjEntry([&](std::string_view vertex, const AdjEntry& e) {
    if (e.dir == Direction::kOut) fn(vertex, e);
    return true;
  });
}

}  // namespace tessera::graph
