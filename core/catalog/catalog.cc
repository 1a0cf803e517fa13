// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// The catalog (see catalog.h and catalog/meta_keys.h for the record layout).
#include "core/catalog/catalog.h"

#include "core/catalog/meta_keys.h"
#include "core/engine/engine.h"
#include "core/util/rocks_status.h"
#include "core/util/strings.h"
#include "rocksdb/write_batch.h"

namespace tessera::internal {
namespace {

std::string EncodeRecord(uint64_t id, std::string_view options) {
  std::string v;
  codec::PutVarint64(&v, id);
  codec::PutLengthPrefixed(&v, options);
  return v;
}

}  // namespace

absl::Status Catalog::ValidateName(Model model, std::string_view name) {
  if (name.empty() || name.size() > 128) {
    return absl::InvalidArgumentError(util::StrCat("invalid ", ModelName(model), " name \"", name,
                                                   "\": names are 1 to 128 bytes long"));
  }
  if (name[0] == '.' || name[0] == '-') {
    return absl::InvalidArgumentError(util::StrCat("invalid ", ModelName(model), " name \"", name,
                                                   "\": a name may not start with '.' or '-'"));
  }
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '.' || c == '-';
    if (!ok) {
      return absl::InvalidArgumentError(
          util::StrCat("invalid ", ModelName(model), " name \"", name,
                       "\": only letters, digits, '_', '.' and '-' are allowed"));
    }
  }
  return absl::OkStatus();
}

absl::Status Catalog::Load() {
  rocksdb::ReadOptions ro;
  std::unique_ptr<rocksdb::Iterator> it(engine_->db()->NewIterator(ro, engine_->cf(Cf::kMeta)));
  util::MutexLock l(&mu_);
  by_name_.clear();
  by_id_.clear();
  std::string start(1, meta::kObjectByName);
  for (it->Seek(start); it->Valid(); it->Next()) {
    std::string_view k(it->key().data(), it->key().size());
    if (k.empty() || k[0] != meta::kObjectByName) break;
    if (k.size() < 3) return absl::DataLossError("catalog: malformed object key");
    Model model = static_cast<Model>(k[1]);
    std::string name(k.substr(2));
    std::string_view v(it->value().data(), it->value().size());
    uint64_t id;
    std::string_view options;
    if (!codec::GetVarint64(&v, &id) || !codec::GetLengthPrefixed(&v, &options)) {
      return absl::DataLossError(util::StrCat("catalog: malformed record for ", name));
    }
    ObjectInfo info{model, name, id, std::string(options)};
    by_id_[id] = {model, name};
    by_name_[{model, name}] = std::move(info);
  }
  RETURN_IF_ERROR(FromRocks(it->status(), "catalog load"));
  std::string next;
  rocksdb::Status s = engine_->db()->Get(ro, engine_->cf(Cf::kMeta), meta::kNextObjectIdKey, &next);
  if (s.ok() && next.size() == 8) {
    next_id_ = codec::DecodeFixed64BE(next.data());
  } else if (!s.IsNotFound()) {
    RETURN_IF_ERROR(FromRocks(s, "catalog load next id"));
  }
  PublishViewLocked();
  return absl::OkStatus();
}

absl::StatusOr<ObjectInfo> Catalog::CreateLocked(Model model, std::string_view name,
                                                 std::string_view options) {
  RETURN_IF_ERROR(ValidateName(model, name));
  uint64_t id;
  {
    util::MutexLock l(&mu_);
    if (by_name_.count({model, std::string(name)})) {
      return absl::AlreadyExistsError(
          util::StrCat(ModelName(model), " \"", name, "\" already exists"));
    }
    id = next_id_;
  }
  rocksdb::WriteBatch batch;
  auto* meta_cf = engine_->cf(Cf::kMeta);
  std::string next;
  codec::PutFixed64BE(&next, id + 1);
  std::string rev(1, static_cast<char>(model));
  rev.append(name);
  batch.Put(meta_cf, meta::ObjectByNameKey(model, name), EncodeRecord(id, options));
  batch.Put(meta_cf, meta::ObjectByIdKey(id), rev);
  batch.Put(meta_cf, meta::kNextObjectIdKey, next);
  rocksdb::WriteOptions wo = engine_->write_options();
  wo.sync = true;  // DDL is rare; make it durable at once
  RETURN_IF_ERROR(FromRocks(engine_->db()->Write(wo, &batch),
                            util::StrCat("create ", ModelName(model), " ", name)));
  ObjectInfo info{model, std::string(name), id, std::string(options)};
  {
    util::MutexLock l(&mu_);
    next_id_ = id + 1;
    by_name_[{model, std::string(name)}] = info;
    by_id_[id] = {model, std::string(name)};
    PublishViewLocked();
  }
  engine_->logger().Log(LogLevel::kInfo, {engine_->path(), name, 0}, "catalog.create",
                        {{"model", ModelName(model)}, {"id", id}});
  return info;
}

absl::StatusOr<ObjectInfo> Catalog::Create(Model model, std::string_view name,
                                           std::string_view options) {
  RETURN_IF_ERROR(engine_->CheckOpen());
  util::MutexLock ddl(&ddl_mu_);
  return CreateLocked(model, name, options);
}

absl::StatusOr<ObjectInfo> Catalog::GetOrCreate(Model model, std::string_view name) {
  if (auto found = Find(model, name)) return *found;
  RETURN_IF_ERROR(engine_->CheckOpen());
  util::MutexLock ddl(&ddl_mu_);
  if (auto found = Find(model, name)) return *found;
  return CreateLocked(model, name, "");
}

std::optional<ObjectInfo> Catalog::Find(Model model, std::string_view name) const {
  util::ReaderMutexLock l(&mu_);
  auto it = by_name_.find(std::pair<Model, std::string_view>(model, name));
  if (it == by_name_.end()) return std::nullopt;
  return it->second;
}

std::optional<uint64_t> Catalog::FindId(Model model, std::string_view name) const {
  util::ReaderMutexLock l(&mu_);
  auto it = by_name_.find(std::pair<Model, std::string_view>(model, name));
  if (it == by_name_.end()) return std::nullopt;
  return it->second.id;
}

std::optional<ObjectInfo> Catalog::FindById(uint64_t id) const {
  util::ReaderMutexLock l(&mu_);
  auto it = by_id_.find(id);
  if (it == by_id_.end()) return std::nullopt;
  return by_name_.at(it->second);
}

absl::StatusOr<ObjectInfo> Catalog::Get(Model model, std::string_view name) const {
  if (auto found = Find(model, name)) return *found;
  return absl::NotFoundError(util::StrCat(ModelName(model), " \"", name, "\" does not exist"));
}

absl::Status Catalog::SetOptions(Model model, std::string_view name, std::string_view options) {
  RETURN_IF_ERROR(engine_->CheckOpen());
  util::MutexLock ddl(&ddl_mu_);
  ASSIGN_OR_RETURN(ObjectInfo info, Get(model, name));
  rocksdb::WriteOptions wo = engine_->write_options();
  wo.sync = true;
  RETURN_IF_ERROR(
      FromRocks(engine_->db()->Put(wo, engine_->cf(Cf::kMeta), meta::ObjectByNameKey(model, name),
                                   EncodeRecord(info.id, options)),
                util::StrCat("set options of ", ModelName(model), " ", name)));
  util::MutexLock l(&mu_);
  by_name_[{model, std::string(name)}].options = std::string(options);
  PublishViewLocked();  // compaction hooks read the options from the view
  return absl::OkStatus();
}

absl::Status Catalog::Drop(Model model, std::string_view name) {
  RETURN_IF_ERROR(engine_->CheckOpen());
  RETURN_IF_ERROR(ValidateName(model, name));  // a bad name is InvalidArgument, not NotFound
  util::MutexLock ddl(&ddl_mu_);
  ASSIGN_OR_RETURN(ObjectInfo info, Get(model, name));
  // Unpublish first so that no new operation resolves the name, then delete the keys.
  {
    util::MutexLock l(&mu_);
    by_name_.erase({model, std::string(name)});
    by_id_.erase(info.id);
    PublishViewLocked();
  }
  rocksdb::WriteBatch batch;
  auto* meta_cf = engine_->cf(Cf::kMeta);
  batch.Delete(meta_cf, meta::ObjectByNameKey(model, name));
  batch.Delete(meta_cf, meta::ObjectByIdKey(info.id));
  std::string lo = meta::ObjectPrefix(info.id), hi = meta::ObjectPrefix(info.id + 1);
  for (Cf c : {Cf::kData, Cf::kIndex, Cf::kAdj}) batch.DeleteRange(engine_->cf(c), lo, hi);
  rocksdb::WriteOptions wo = engine_->write_options();
  wo.sync = true;
  rocksdb::TransactionDBWriteOptimizations opt;
  opt.skip_concurrency_control = true;  // range deletions cannot take row locks
  absl::Status s = FromRocks(engine_->db()->Write(wo, opt, &batch),
                             util::StrCat("drop ", ModelName(model), " ", name));
  if (!s.ok()) {
    util::MutexLock l(&mu_);  // put it back: nothing was deleted
    by_name_[{model, std::string(name)}] = info;
    by_id_[info.id] = {model, std::string(name)};
    PublishViewLocked();
    return s;
  }
  engine_->logger().Log(LogLevel::kInfo, {engine_->path(), name, 0}, "catalog.drop",
                        {{"model", ModelName(model)}, {"id", info.id}});
  return absl::OkStatus();
}

std::vector<std::string> Catalog::Names(Model model) const {
  std::vector<std::string> out;
  for (ObjectInfo& info : List(model)) out.push_back(std::move(info.name));
  return out;
}

std::vector<ObjectInfo> Catalog::List(std::optional<Model> model) const {
  util::ReaderMutexLock l(&mu_);
  std::vector<ObjectInfo> out;
  for (const auto& [key, info] : by_name_) {
    if (!model || key.first == *model) out.push_back(info);
  }
  return out;
}

std::shared_ptr<const CatalogView> Catalog::view() const {
  util::ReaderMutexLock l(&mu_);
  return view_;
}

void Catalog::PublishViewLocked() {
  auto v = std::make_shared<CatalogView>();
  for (const auto& [id, key] : by_id_) {
    v->models[id] = key.first;
    auto it = by_name_.find(key);
    if (it != by_name_.end() && !it->second.options.empty()) v->options[id] = it->second.options;
  }
  v->next_id = next_id_;
  view_ = std::move(v);
  generation_.fetch_add(1, std::memory_order_acq_rel);
}

}  // namespace tessera::internal
