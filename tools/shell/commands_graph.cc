// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// The graph commands: graph addv / getv / delv / adde / dele / neighbors / khop / path /
// pagerank / components / triangles / load. Inside `begin` ... `commit` the vertex and edge
// writes join the session's transaction; `graph load` (many transactions of its own) refuses to
// run there rather than escape the transaction silently. Reads see committed data.
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "core/util/strings.h"
#include "tessera/graph.h"
#include "tessera/status.h"
#include "tools/shell/args.h"
#include "tools/shell/handlers.h"
#include "tools/shell/progress.h"

namespace tessera::shell::handlers {
namespace {

absl::StatusOr<GraphStore*> Graphs(Session& session) {
  return session.ModelStore<GraphStore>(Model::kGraph, &GraphStore::Open);
}

absl::StatusOr<double> ParseNumber(const Invocation& call, const Token& token,
                                   std::string_view what) {
  const std::string& s = token.text;
  char* end = nullptr;
  errno = 0;
  double v = s.empty() || token.kind != TokenKind::kBare ? NAN : std::strtod(s.c_str(), &end);
  if (s.empty() || token.kind != TokenKind::kBare || end != s.c_str() + s.size() || errno != 0 ||
      !std::isfinite(v)) {
    return UsageError(call, util::StrCat(what, " must be a number, got '", s, "'"));
  }
  return v;
}

// The trailing words of the traversal commands: a direction, `type T`, `where FILTER` and flags.
struct TraversalArgs {
  TraversalOptions options;
  bool direction_given = false;
  bool weighted = false;
  bool list = false;
};

absl::StatusOr<TraversalArgs> ParseTraversal(const Invocation& call, size_t first, bool allow_where,
                                             bool allow_weighted, bool allow_list) {
  TraversalArgs out;
  bool type_given = false;
  bool where_given = false;
  const auto& a = call.args;
  for (size_t i = first; i < a.size(); ++i) {
    const Token& t = a[i];
    std::optional<Direction> dir;
    if (IsWord(t, "out")) dir = Direction::kOut;
    if (IsWord(t, "in")) dir = Direction::kIn;
    if (IsWord(t, "both")) dir = Direction::kBoth;
    if (dir) {
      if (out.direction_given) return UsageError(call, "the direction is given twice");
      out.options.direction = *dir;
      out.direction_given = true;
    } else if (IsWord(t, "type")) {
      if (type_given) return UsageError(call, "option 'type' given twice");
      if (i + 1 >= a.size()) return UsageError(call, "option 'type' needs a value");
      out.options.types.push_back(a[++i].text);
      type_given = true;
    } else if (allow_where && IsWord(t, "where")) {
      if (where_given) return UsageError(call, "option 'where' given twice");
      if (i + 1 >= a.size()) return UsageError(call, "option 'where' needs a value");
      if (a[i + 1].kind != TokenKind::kObject) {
        return UsageError(
            call, util::StrCat("where needs a JSON object filter, got '", a[i + 1].text, "'"));
      }
      out.options.where = a[++i].text;
      where_given = true;
    } else if (allow_weighted && IsWord(t, "weighted")) {
      out.weighted = true;
    } else if (allow_list && IsWord(t, "list")) {
      out.list = true;
    } else {
      return UsageError(call, util::StrCat("unexpected argument '", t.text, "'"));
    }
  }
  return out;
}

Json PropsJson(const std::string& text) {
  Json p = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  return p.is_discarded() ? Json::object() : p;
}

}  // namespace

absl::StatusOr<Json> GraphAddv(Session& session, const Invocation& call) {
  RETURN_IF_ERROR(CheckArgs(call, {"G", "ID", "LABEL", "PROPS"}, 2));
  const auto& a = call.args;
  std::string label, props;
  if (a.size() == 3 && a[2].kind == TokenKind::kObject) {
    props = a[2].text;  // graph addv G ID {"k": 1}: properties without a label
  } else if (a.size() >= 3) {
    label = a[2].text;
  }
  if (a.size() == 4) {
    if (a[3].kind != TokenKind::kObject) {
      return UsageError(call, util::StrCat("PROPS must be a JSON object, got '", a[3].text, "'"));
    }
    props = a[3].text;
  }
  ASSIGN_OR_RETURN(GraphStore * store, Graphs(session));
  if (Transaction* txn = session.txn()) {
    RETURN_IF_ERROR(store->AddVertex(*txn, a[0].text, a[1].text, label, props));
  } else {
    RETURN_IF_ERROR(store->AddVertex(a[0].text, a[1].text, label, props));
  }
  return Json{{"ok", true}};
}

absl::StatusOr<Json> GraphGetv(Session& session, const Invocation& call) {
  RETURN_IF_ERROR(CheckArgs(call, {"G", "ID"}));
  ASSIGN_OR_RETURN(GraphStore * store, Graphs(session));
  ASSIGN_OR_RETURN(std::optional<Vertex> v, store->GetVertex(call.args[0].text, call.args[1].text));
  if (!v) return Json(nullptr);
  Json out = Json::object();
  out["id"] = v->id;
  out["label"] = v->label;
  out["props"] = PropsJson(v->props);
  out["out_degree"] = v->out_degree;
  out["in_degree"] = v->in_degree;
  return out;
}

absl::StatusOr<Json> GraphDelv(Session& session, const Invocation& call) {
  RETURN_IF_ERROR(CheckArgs(call, {"G", "ID"}));
  ASSIGN_OR_RETURN(GraphStore * store, Graphs(session));
  Transaction* txn = session.txn();
  ASSIGN_OR_RETURN(VertexDeletion d,
                   txn != nullptr ? store->DeleteVertex(*txn, call.args[0].text, call.args[1].text)
                                  : store->DeleteVertex(call.args[0].text, call.args[1].text));
  Json out = Json::object();
  out["deleted"] = d.deleted ? 1 : 0;
  out["edges_deleted"] = d.edges_deleted;
  return out;
}

absl::StatusOr<Json> GraphAdde(Session& session, const Invocation& call) {
  RETURN_IF_ERROR(CheckArgs(call, {"G", "SRC", "TYPE", "DST"}, 0, /*options_follow=*/true));
  const auto& a = call.args;
  std::optional<double> weight;
  std::optional<std::string> props;
  for (size_t i = 4; i < a.size(); ++i) {
    if (IsWord(a[i], "weight")) {
      if (weight) return UsageError(call, "option 'weight' given twice");
      if (i + 1 >= a.size()) return UsageError(call, "option 'weight' needs a value");
      ASSIGN_OR_RETURN(weight, ParseNumber(call, a[++i], "W"));
    } else if (a[i].kind == TokenKind::kObject && !props) {
      props = a[i].text;
    } else {
      return UsageError(call, util::StrCat("unexpected argument '", a[i].text, "'"));
    }
  }
  ASSIGN_OR_RETURN(GraphStore * store, Graphs(session));
  Transaction* txn = session.txn();
  ASSIGN_OR_RETURN(uint64_t eid,
                   txn != nullptr ? store->AddEdge(*txn, a[0].text, a[1].text, a[2].text, a[3].text,
                                                   weight.value_or(1.0), props.value_or(""))
                                  : store->AddEdge(a[0].text, a[1].text, a[2].text, a[3].text,
                                                   weight.value_or(1.0), props.value_or("")));
  return Json{{"edge", eid}};
}

absl::StatusOr<Json> GraphDele(Session& session, const Invocation& call) {
  RETURN_IF_ERROR(CheckArgs(call, {"G", "EID"}));
  ASSIGN_OR_RETURN(uint64_t eid, ParseCount(call, call.args[1], "EID"));
  ASSIGN_OR_RETURN(GraphStore * store, Graphs(session));
  Transaction* txn = session.txn();
  ASSIGN_OR_RETURN(bool deleted, txn != nullptr ? store->DeleteEdge(*txn, call.args[0].text, eid)
                                                : store->DeleteEdge(call.args[0].text, eid));
  return Json{{"deleted", deleted ? 1 : 0}};
}

absl::StatusOr<Json> GraphNeighbors(Session& session, const Invocation& call) {
  RETURN_IF_ERROR(CheckArgs(call, {"G", "ID"}, 0, /*options_follow=*/true));
  ASSIGN_OR_RETURN(TraversalArgs t, ParseTraversal(call, 2, true, false, false));
  ASSIGN_OR_RETURN(GraphStore * store, Graphs(session));
  t.options.cancelled = session.CancelCheck();
  absl::StatusOr<std::vector<std::string>> ids =
      store->Neighbors(call.args[0].text, call.args[1].text, t.options);
  if (!ids.ok()) return session.CancelledOr(ids.status());
  Json out = Json::array();
  for (std::string& id : *ids) out.push_back(std::move(id));
  return out;
}

absl::StatusOr<Json> GraphKhop(Session& session, const Invocation& call) {
  RETURN_IF_ERROR(CheckArgs(call, {"G", "ID", "K"}, 0, /*options_follow=*/true));
  ASSIGN_OR_RETURN(uint64_t k, ParseCount(call, call.args[2], "K"));
  if (k > 1000) return UsageError(call, util::StrCat("K must be at most 1000, got ", k));
  ASSIGN_OR_RETURN(TraversalArgs t, ParseTraversal(call, 3, false, false, true));
  ASSIGN_OR_RETURN(GraphStore * store, Graphs(session));
  t.options.cancelled = session.CancelCheck();
  absl::StatusOr<std::vector<std::string>> ids =
      store->KHop(call.args[0].text, call.args[1].text, static_cast<int>(k), t.options);
  if (!ids.ok()) return session.CancelledOr(ids.status());
  Json out = Json::object();
  out["count"] = ids->size();
  if (t.list) out["vertices"] = *ids;
  return out;
}

absl::StatusOr<Json> GraphPath(Session& session, const Invocation& call) {
  RETURN_IF_ERROR(CheckArgs(call, {"G", "SRC", "DST"}, 0, /*options_follow=*/true));
  ASSIGN_OR_RETURN(TraversalArgs t, ParseTraversal(call, 3, false, true, false));
  ASSIGN_OR_RETURN(GraphStore * store, Graphs(session));
  const auto& a = call.args;
  t.options.cancelled = session.CancelCheck();
  absl::StatusOr<std::optional<tessera::GraphPath>> found =
      store->ShortestPath(a[0].text, a[1].text, a[2].text, t.weighted, t.options);
  if (!found.ok()) return session.CancelledOr(found.status());
  const std::optional<tessera::GraphPath>& p = *found;
  if (!p) return Json(nullptr);
  Json out = Json::object();
  if (t.weighted) {
    out["length"] = p->length;
  } else {
    out["length"] = static_cast<int64_t>(p->length);
  }
  out["path"] = p->path;
  return out;
}

absl::StatusOr<Json> GraphPagerank(Session& session, const Invocation& call) {
  RETURN_IF_ERROR(CheckArgs(call, {"G"}, 0, /*options_follow=*/true));
  ASSIGN_OR_RETURN(ParsedOptions options,
                   ParseOptions(call, 1, {{"iterations", true}, {"damping", true}, {"top", true}}));
  PageRankOptions o;
  if (auto it = options.find("iterations"); it != options.end()) {
    ASSIGN_OR_RETURN(uint64_t n, ParseCount(call, it->second, "N"));
    if (n > 100000) return UsageError(call, util::StrCat("N must be at most 100000, got ", n));
    o.iterations = static_cast<int>(n);
  }
  if (auto it = options.find("damping"); it != options.end()) {
    ASSIGN_OR_RETURN(o.damping, ParseNumber(call, it->second, "D"));
    if (o.damping < 0 || o.damping > 1) {
      return UsageError(call, util::StrCat("D must be between 0 and 1, got ", it->second.text));
    }
  }
  if (auto it = options.find("top"); it != options.end()) {
    ASSIGN_OR_RETURN(uint64_t k, ParseCount(call, it->second, "K"));
    o.top = static_cast<size_t>(k);
  }
  ASSIGN_OR_RETURN(GraphStore * store, Graphs(session));
  o.subgraph.cancelled = session.CancelCheck();
  absl::StatusOr<std::vector<RankedVertex>> ranks = store->PageRank(call.args[0].text, o);
  if (!ranks.ok()) return session.CancelledOr(ranks.status());
  Json out = Json::array();
  for (const RankedVertex& r : *ranks) {
    Json row = Json::object();
    row["id"] = r.id;
    row["rank"] = r.rank;
    out.push_back(std::move(row));
  }
  return out;
}

absl::StatusOr<Json> GraphComponents(Session& session, const Invocation& call) {
  RETURN_IF_ERROR(CheckArgs(call, {"G"}, 0, /*options_follow=*/true));
  ASSIGN_OR_RETURN(ParsedOptions options, ParseOptions(call, 1, {{"strong", false}}));
  ASSIGN_OR_RETURN(GraphStore * store, Graphs(session));
  SubgraphOptions subgraph;
  subgraph.cancelled = session.CancelCheck();
  absl::StatusOr<ComponentsResult> c =
      store->Components(call.args[0].text, options.count("strong") != 0, subgraph);
  if (!c.ok()) return session.CancelledOr(c.status());
  Json out = Json::object();
  out["count"] = c->count;
  out["largest"] = c->largest;
  return out;
}

absl::StatusOr<Json> GraphTriangles(Session& session, const Invocation& call) {
  RETURN_IF_ERROR(CheckArgs(call, {"G"}));
  ASSIGN_OR_RETURN(GraphStore * store, Graphs(session));
  SubgraphOptions subgraph;
  subgraph.cancelled = session.CancelCheck();
  absl::StatusOr<int64_t> n = store->Triangles(call.args[0].text, subgraph);
  if (!n.ok()) return session.CancelledOr(n.status());
  return Json{{"count", *n}};
}

absl::StatusOr<Json> GraphLoad(Session& session, const Invocation& call) {
  RETURN_IF_ERROR(CheckArgs(call, {"G", "FILE"}, 0, /*options_follow=*/true));
  RETURN_IF_ERROR(RequireNoTransaction(session, call));
  ASSIGN_OR_RETURN(ParsedOptions options, ParseOptions(call, 2, {{"type", true}}));
  GraphLoadOptions o;
  if (auto it = options.find("type"); it != options.end()) o.default_type = it->second.text;
  ASSIGN_OR_RETURN(GraphStore * store, Graphs(session));
  std::error_code size_error;
  uintmax_t size = std::filesystem::file_size(call.args[1].text, size_error);
  ProgressBar bar("loaded", size_error ? 0 : static_cast<uint64_t>(size));
  o.on_progress = [&bar](int64_t edges, uint64_t bytes) {
    bar.Update(static_cast<uint64_t>(edges), bytes);
  };
  o.cancelled = session.CancelCheck();
  absl::StatusOr<GraphLoadResult> loaded =
      store->LoadEdgeList(call.args[0].text, call.args[1].text, o);
  bar.Done();
  if (!loaded.ok()) return session.CancelledOr(loaded.status());
  const GraphLoadResult& r = *loaded;
  Json out = Json::object();
  out["vertices"] = r.vertices;
  out["edges"] = r.edges;
  return out;
}

}  // namespace tessera::shell::handlers
