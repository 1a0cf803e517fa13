// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// The document commands: doc insert / get / find / count / update / delete / explain, doc index
// create / list / drop, doc import / export. Inside `begin` ... `commit` the reads and writes go
// through the session's transaction; otherwise each is its own transaction (reads: a snapshot).
#include <filesystem>
#include <fstream>
#include <optional>

#include "core/util/strings.h"
#include "tessera/doc.h"
#include "tessera/status.h"
#include "tools/shell/args.h"
#include "tools/shell/handlers.h"
#include "tools/shell/progress.h"

namespace tessera::shell::handlers {
namespace {

constexpr size_t kImportBatch = 1000;

absl::StatusOr<DocStore*> Docs(Session& session) {
  return session.ModelStore<DocStore>(Model::kDocument, &DocStore::Open);
}

// A JSON argument (object or array) as a document value.
absl::StatusOr<Json> JsonArg(const Invocation& call, const Token& token, std::string_view what) {
  if (token.kind != TokenKind::kObject && token.kind != TokenKind::kArray) {
    return UsageError(call, util::StrCat(what, " must be a JSON object, got the ",
                                         TokenKindName(token.kind), " '", token.text, "'"));
  }
  Json j = Json::parse(token.text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return UsageError(call, util::StrCat(what, " is not valid JSON"));
  return j;
}

absl::StatusOr<Json> ObjectArg(const Invocation& call, const Token& token, std::string_view what) {
  ASSIGN_OR_RETURN(Json j, JsonArg(call, token, what));
  if (!j.is_object()) return UsageError(call, util::StrCat(what, " must be a JSON object"));
  return j;
}

// An _id: a JSON string, object or array as JSON; a bare word that is a JSON number, true, false
// or null as that value; any other bare word as a string.
Json IdArg(const Token& token) {
  if (token.kind == TokenKind::kString) return Json(token.text);
  Json j = Json::parse(token.text, nullptr, /*allow_exceptions=*/false);
  if (!j.is_discarded()) return j;
  return Json(token.text);
}

// The optional FILTER at args[pos]: a JSON object there, or {} when the next argument is an
// option word (or there is none). Sets *next to the first argument after it.
absl::StatusOr<Json> OptionalFilter(const Invocation& call, size_t pos, size_t* next) {
  *next = pos;
  if (call.args.size() <= pos || call.args[pos].kind == TokenKind::kBare) return Json::object();
  *next = pos + 1;
  return ObjectArg(call, call.args[pos], "FILTER");
}

Json IndexInfoJson(const DocIndexInfo& info) {
  return Json{{"name", info.name},     {"keys", info.keys},       {"unique", info.unique},
              {"sparse", info.sparse}, {"partial", info.partial}, {"multikey", info.multikey}};
}

}  // namespace

absl::StatusOr<Json> DocInsert(Session& session, const Invocation& call) {
  RETURN_IF_ERROR(CheckArgs(call, {"COLL", "JSON"}));
  ASSIGN_OR_RETURN(DocStore * docs, Docs(session));
  ASSIGN_OR_RETURN(Json value, JsonArg(call, call.args[1], "JSON"));
  std::vector<Document> batch;
  if (value.is_array()) {
    for (Json& d : value) batch.push_back(std::move(d));
  } else {
    batch.push_back(std::move(value));
  }
  const std::string& coll = call.args[0].text;
  absl::StatusOr<std::vector<Document>> ids = session.txn() != nullptr
                                                  ? docs->Insert(*session.txn(), coll, batch)
                                                  : docs->Insert(coll, batch);
  if (!ids.ok()) return ids.status();
  Json out = Json::array();
  for (Json& id : *ids) out.push_back(std::move(id));
  return Json{{"inserted", out}};
}

absl::StatusOr<Json> DocGet(Session& session, const Invocation& call) {
  RETURN_IF_ERROR(CheckArgs(call, {"COLL", "ID"}));
  ASSIGN_OR_RETURN(DocStore * docs, Docs(session));
  Json id = IdArg(call.args[1]);
  const std::string& coll = call.args[0].text;
  absl::StatusOr<std::optional<Document>> doc =
      session.txn() != nullptr ? docs->Get(*session.txn(), coll, id) : docs->Get(coll, id);
  if (!doc.ok()) return doc.status();
  return doc->has_value() ? **doc : Json(nullptr);
}

absl::StatusOr<Json> DocFind(Session& session, const Invocation& call) {
  RETURN_IF_ERROR(CheckArgs(call, {"COLL"}, 0, /*options_follow=*/true));
  ASSIGN_OR_RETURN(DocStore * docs, Docs(session));
  size_t next = 1;
  ASSIGN_OR_RETURN(Json filter, OptionalFilter(call, 1, &next));
  ASSIGN_OR_RETURN(
      ParsedOptions options,
      ParseOptions(call, next,
                   {{"project", true}, {"sort", true}, {"skip", true}, {"limit", true}}));
  DocFindOptions find;
  if (auto it = options.find("project"); it != options.end()) {
    ASSIGN_OR_RETURN(find.projection, ObjectArg(call, it->second, "P"));
  }
  if (auto it = options.find("sort"); it != options.end()) {
    ASSIGN_OR_RETURN(find.sort, ObjectArg(call, it->second, "S"));
  }
  if (auto it = options.find("skip"); it != options.end()) {
    ASSIGN_OR_RETURN(find.skip, ParseCount(call, it->second, "N"));
  }
  Json rows = Json::array();
  if (auto it = options.find("limit"); it != options.end()) {
    ASSIGN_OR_RETURN(find.limit, ParseCount(call, it->second, "N"));
    if (find.limit == 0) return rows;  // the store reads limit 0 as "no limit"
  }
  const std::string& coll = call.args[0].text;
  absl::StatusOr<std::unique_ptr<Cursor<Document>>> cursor =
      session.txn() != nullptr ? docs->Find(*session.txn(), coll, filter, find)
                               : docs->Find(coll, filter, find);
  if (!cursor.ok()) return cursor.status();
  for (Cursor<Document>& c = **cursor; c.Valid(); c.Next()) {
    RETURN_IF_ERROR(session.CheckCancelled());
    rows.push_back(c.entry());
  }
  RETURN_IF_ERROR((*cursor)->status());
  return rows;
}

absl::StatusOr<Json> DocCount(Session& session, const Invocation& call) {
  RETURN_IF_ERROR(CheckArgs(call, {"COLL", "FILTER"}, /*optional=*/1));
  ASSIGN_OR_RETURN(DocStore * docs, Docs(session));
  size_t next = 1;
  ASSIGN_OR_RETURN(Json filter, OptionalFilter(call, 1, &next));
  if (next < call.args.size()) return UsageError(call, "FILTER must be a JSON object");
  const std::string& coll = call.args[0].text;
  absl::StatusOr<uint64_t> n = session.txn() != nullptr ? docs->Count(*session.txn(), coll, filter)
                                                        : docs->Count(coll, filter);
  if (!n.ok()) return n.status();
  return Json(*n);
}

absl::StatusOr<Json> DocUpdate(Session& session, const Invocation& call) {
  RETURN_IF_ERROR(CheckArgs(call, {"COLL", "FILTER", "UPDATE"}, 0, /*options_follow=*/true));
  ASSIGN_OR_RETURN(DocStore * docs, Docs(session));
  ASSIGN_OR_RETURN(Json filter, ObjectArg(call, call.args[1], "FILTER"));
  ASSIGN_OR_RETURN(Json update, ObjectArg(call, call.args[2], "UPDATE"));
  ASSIGN_OR_RETURN(ParsedOptions options,
                   ParseOptions(call, 3, {{"one", false}, {"upsert", false}}));
  DocUpdateOptions o{.one = options.contains("one"), .upsert = options.contains("upsert")};
  const std::string& coll = call.args[0].text;
  absl::StatusOr<DocUpdateResult> r = session.txn() != nullptr
                                          ? docs->Update(*session.txn(), coll, filter, update, o)
                                          : docs->Update(coll, filter, update, o);
  if (!r.ok()) return r.status();
  return Json{{"matched", r->matched},
              {"modified", r->modified},
              {"upserted", r->upserted_id ? *r->upserted_id : Json(nullptr)}};
}

absl::StatusOr<Json> DocDelete(Session& session, const Invocation& call) {
  RETURN_IF_ERROR(CheckArgs(call, {"COLL", "FILTER"}, 0, /*options_follow=*/true));
  ASSIGN_OR_RETURN(DocStore * docs, Docs(session));
  ASSIGN_OR_RETURN(Json filter, ObjectArg(call, call.args[1], "FILTER"));
  ASSIGN_OR_RETURN(ParsedOptions options, ParseOptions(call, 2, {{"one", false}}));
  bool one = options.contains("one");
  const std::string& coll = call.args[0].text;
  absl::StatusOr<uint64_t> n = session.txn() != nullptr
                                   ? docs->Delete(*session.txn(), coll, filter, one)
                                   : docs->Delete(coll, filter, one);
  if (!n.ok()) return n.status();
  return Json{{"deleted", *n}};
}

absl::StatusOr<Json> DocExplainCmd(Session& session, const Invocation& call) {
  RETURN_IF_ERROR(CheckArgs(call, {"COLL", "FILTER"}, 0, /*options_follow=*/true));
  ASSIGN_OR_RETURN(DocStore * docs, Docs(session));
  ASSIGN_OR_RETURN(Json filter, ObjectArg(call, call.args[1], "FILTER"));
  ASSIGN_OR_RETURN(ParsedOptions options, ParseOptions(call, 2, {{"sort", true}}));
  DocFindOptions find;
  if (auto it = options.find("sort"); it != options.end()) {
    ASSIGN_OR_RETURN(find.sort, ObjectArg(call, it->second, "S"));
  }
  ASSIGN_OR_RETURN(DocExplain e, docs->Explain(call.args[0].text, filter, find));
  return Json{{"index", e.index ? Json(*e.index) : Json(nullptr)},
              {"bounds", e.bounds},
              {"sort_from_index", e.sort_from_index},
              {"keys_examined", e.keys_examined},
              {"docs_examined", e.docs_examined},
              {"returned", e.returned}};
}

absl::StatusOr<Json> DocIndexCreate(Session& session, const Invocation& call) {
  RETURN_IF_ERROR(CheckArgs(call, {"COLL", "KEYS"}, 0, /*options_follow=*/true));
  ASSIGN_OR_RETURN(DocStore * docs, Docs(session));
  DocIndexSpec spec;
  ASSIGN_OR_RETURN(spec.keys, ObjectArg(call, call.args[1], "KEYS"));
  ASSIGN_OR_RETURN(
      ParsedOptions options,
      ParseOptions(call, 2,
                   {{"unique", false}, {"sparse", false}, {"partial", true}, {"name", true}}));
  spec.unique = options.contains("unique");
  spec.sparse = options.contains("sparse");
  if (auto it = options.find("partial"); it != options.end()) {
    ASSIGN_OR_RETURN(spec.partial, ObjectArg(call, it->second, "partial FILTER"));
  }
  if (auto it = options.find("name"); it != options.end()) spec.name = it->second.text;
  std::optional<ProgressBar> bar;  // made on the first report, which knows the total
  auto progress = [&bar](uint64_t done, uint64_t total) {
    if (!bar) bar.emplace("indexed", total);
    bar->Update(done, done);
  };
  absl::StatusOr<std::string> name = docs->CreateIndex(call.args[0].text, spec, progress);
  if (bar) bar->Done();
  if (!name.ok()) return name.status();
  return Json{{"index", *name}};
}

absl::StatusOr<Json> DocIndexList(Session& session, const Invocation& call) {
  RETURN_IF_ERROR(CheckArgs(call, {"COLL"}));
  ASSIGN_OR_RETURN(DocStore * docs, Docs(session));
  ASSIGN_OR_RETURN(std::vector<DocIndexInfo> list, docs->ListIndexes(call.args[0].text));
  Json out = Json::array();
  for (const DocIndexInfo& info : list) out.push_back(IndexInfoJson(info));
  return out;
}

absl::StatusOr<Json> DocIndexDrop(Session& session, const Invocation& call) {
  RETURN_IF_ERROR(CheckArgs(call, {"COLL", "NAME"}));
  ASSIGN_OR_RETURN(DocStore * docs, Docs(session));
  RETURN_IF_ERROR(docs->DropIndex(call.args[0].text, call.args[1].text));
  return Json{{"ok", true}};
}

absl::StatusOr<Json> DocImport(Session& session, const Invocation& call) {
  RETURN_IF_ERROR(CheckArgs(call, {"COLL", "FILE"}));
  ASSIGN_OR_RETURN(DocStore * docs, Docs(session));
  const std::string& coll = call.args[0].text;
  const std::string& path = call.args[1].text;
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(util::StrCat("cannot open ", path, " for reading"));
  std::error_code size_error;
  const uintmax_t size = std::filesystem::file_size(path, size_error);
  ProgressBar bar("imported", size_error ? 0 : size);
  uint64_t inserted = 0;
  uint64_t line_no = 0;
  std::vector<Document> batch;
  auto flush = [&]() -> absl::Status {
    if (batch.empty()) return absl::OkStatus();
    absl::StatusOr<std::vector<Document>> ids = session.txn() != nullptr
                                                    ? docs->Insert(*session.txn(), coll, batch)
                                                    : docs->Insert(coll, batch);
    if (!ids.ok()) {
      return absl::Status(
          ids.status().code(),
          util::StrCat(path, ": the batch ending at line ", line_no, " was not written (", inserted,
                       " documents before it were): ", util::ToStd(ids.status().message())));
    }
    inserted += ids->size();
    batch.clear();
    const std::streamoff pos = in.tellg();
    bar.Update(inserted, pos >= 0 ? static_cast<uint64_t>(pos) : (size_error ? 0 : size));
    return absl::OkStatus();
  };
  std::string line;
  while (std::getline(in, line)) {
    if (session.cancel_requested()) {
      return absl::CancelledError(
          util::StrCat("interrupted by Ctrl-C (", inserted, " documents were imported)"));
    }
    ++line_no;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    Json doc = Json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (doc.is_discarded() || !doc.is_object()) {
      return absl::InvalidArgumentError(util::StrCat(path, ":", line_no, ": not a JSON object (",
                                                     inserted, " documents were imported)"));
    }
    batch.push_back(std::move(doc));
    if (batch.size() >= kImportBatch) RETURN_IF_ERROR(flush());
  }
  RETURN_IF_ERROR(flush());
  bar.Done();
  return Json{{"inserted", inserted}};
}

absl::StatusOr<Json> DocExport(Session& session, const Invocation& call) {
  RETURN_IF_ERROR(CheckArgs(call, {"COLL", "FILE", "FILTER"}, /*optional=*/1));
  ASSIGN_OR_RETURN(DocStore * docs, Docs(session));
  Json filter = Json::object();
  if (call.args.size() > 2) {
    ASSIGN_OR_RETURN(filter, ObjectArg(call, call.args[2], "FILTER"));
  }
  const std::string& coll = call.args[0].text;
  const std::string& path = call.args[1].text;
  absl::StatusOr<std::unique_ptr<Cursor<Document>>> cursor =
      session.txn() != nullptr ? docs->Find(*session.txn(), coll, filter, {})
                               : docs->Find(coll, filter, {});
  if (!cursor.ok()) return cursor.status();
  std::ofstream out(path, std::ios::trunc);
  if (!out) return absl::PermissionDeniedError(util::StrCat("cannot open ", path, " for writing"));
  uint64_t n = 0;
  ProgressBar bar("exported", 0);
  for (Cursor<Document>& c = **cursor; c.Valid(); c.Next()) {
    RETURN_IF_ERROR(session.CheckCancelled());
    out << c.entry().dump() << '\n';
    if (++n % 1000 == 0) bar.Update(n, 0);
  }
  bar.Update(n, 0);
  RETURN_IF_ERROR((*cursor)->status());
  out.flush();
  if (!out) return absl::DataLossError(util::StrCat("writing ", path, " failed"));
  return Json{{"exported", n}};
}

}  // namespace tessera::shell::handlers
