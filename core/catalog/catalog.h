// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// The catalog: named objects of every model mapped to compact numeric ids that prefix their keys.
// Names live only here; keys carry ids. Ids are allocated in increasing order and never reused,
// so a dropped object's keys can never be mistaken for a new object's.
//
// The catalog is kept in memory and written through to the meta column family. DDL (create,
// drop) commits on its own, outside user transactions.
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "core/util/mutex.h"
#include "tessera/model.h"

namespace tessera::internal {

class Engine;

// What the compaction filter needs to know, copied on every DDL.
struct CatalogView {
  std::unordered_map<uint64_t, Model> models;         // live object id -> model
  uint64_t next_id = 1;                               // ids below this and absent were dropped
  std::unordered_map<uint64_t, std::string> options;  // live object id -> its options string
};

// Thread safety: safe for concurrent use.
class Catalog {
 public:
  explicit Catalog(Engine* engine) : engine_(engine) {}

  // Loads every object record from the meta column family.
  absl::Status Load();

  // Checks a name: 1..128 bytes of [A-Za-z0-9_.-], not starting with '.' or '-'.
  static absl::Status ValidateName(Model model, std::string_view name);

  // Creates an object. AlreadyExists if the name is taken within the model.
  absl::StatusOr<ObjectInfo> Create(Model model, std::string_view name, std::string_view options);
  // The existing object, or a new one with empty options.
  absl::StatusOr<ObjectInfo> GetOrCreate(Model model, std::string_view name);
  // The object, or nullopt.
  std::optional<ObjectInfo> Find(Model model, std::string_view name) const;
  std::optional<ObjectInfo> FindById(uint64_t id) const;
  // Only the id of the object (no copy of its name and options): the hot path of every read.
  std::optional<uint64_t> FindId(Model model, std::string_view name) const;
  // The object, or NotFound naming it.
  absl::StatusOr<ObjectInfo> Get(Model model, std::string_view name) const;
  // Replaces an object's options.
  absl::Status SetOptions(Model model, std::string_view name, std::string_view options);
  // Removes the object and range-deletes its keys in every keyed column family, atomically.
  absl::Status Drop(Model model, std::string_view name);
  // Objects ordered by model then name.
  // The names of `model`'s objects, in order.
  std::vector<std::string> Names(Model model) const;
  std::vector<ObjectInfo> List(std::optional<Model> model) const;
  // The current view for compaction filters.
  std::shared_ptr<const CatalogView> view() const;
  // Grows with every change of the catalog (create, drop, options), published under the same
  // lock as the change: a model may cache what it derived from a record (id, decoded options)
  // while the generation it read before reading the record is still current.
  uint64_t generation() const { return generation_.load(std::memory_order_acquire); }

 private:
  using NameKey = std::pair<Model, std::string>;
  // Orders NameKeys and also compares them with (Model, string_view) without building a string.
  struct NameLess {
    using is_transparent = void;
    template <typename A, typename B>
    bool operator()(const A& a, const B& b) const {
      if (a.first != b.first) return a.first < b.first;
      return std::string_view(a.second) < std::string_view(b.second);
    }
  };
  absl::StatusOr<ObjectInfo> CreateLocked(Model model, std::string_view name,
                                          std::string_view options)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(ddl_mu_);
  void PublishViewLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  Engine* const engine_;
  util::Mutex ddl_mu_;  // serialises DDL; taken before mu_
  mutable util::Mutex mu_;
  std::map<NameKey, ObjectInfo, NameLess> by_name_ ABSL_GUARDED_BY(mu_);
  std::unordered_map<uint64_t, NameKey> by_id_ ABSL_GUARDED_BY(mu_);
  uint64_t next_id_ ABSL_GUARDED_BY(mu_) = 1;
  std::shared_ptr<const CatalogView> view_ ABSL_GUARDED_BY(mu_);
  std::atomic<uint64_t> generation_{0};  // bumped by PublishViewLocked
};

}  // namespace tessera::internal
