// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// The command table, dispatch (the longest run of leading bare words naming a command), and the
// Session's transaction state.
#include "tools/shell/commands.h"

#include <array>

#include "core/util/strings.h"
#include "tessera/status.h"
#include "tools/shell/handlers.h"

namespace tessera::shell {
namespace {

namespace h = handlers;

constexpr std::array kCommands = {
    CommandSpec{"kv put", "kv put NS KEY VALUE [ttl SECONDS]",
                "Store VALUE under KEY in namespace NS (a JSON object or array is stored as its "
                "compact text)",
                R"(kv put users alice {"age": 30} ttl 3600)", &h::KvPut},
    CommandSpec{"kv get", "kv get NS KEY", "The value of KEY as a string, or null when absent",
                "kv get users alice", &h::KvGet},
    CommandSpec{"kv del", "kv del NS KEY", "Delete KEY; reports whether it existed",
                "kv del users alice", &h::KvDel},
    CommandSpec{"kv scan", "kv scan NS [prefix P] [from K] [to K] [limit N] [reverse]",
                "The keys and values of NS in key order (from inclusive, to exclusive)",
                "kv scan users prefix a limit 10", &h::KvScan},
    CommandSpec{"kv incr", "kv incr NS KEY [DELTA]",
                "Add DELTA (default 1) to the integer at KEY; returns the new value",
                "kv incr counters visits 5", &h::KvIncr},
    CommandSpec{"kv cas", "kv cas NS KEY EXPECTED NEW",
                "Set KEY to NEW only if its value is EXPECTED (the bare word null: absent; NEW "
                "null deletes)",
                "kv cas locks job-1 null worker-7", &h::KvCas},
    CommandSpec{"doc insert", "doc insert COLL JSON",
                "Insert a document or an array of documents (atomically); prints their _ids",
                R"(doc insert users [{"_id": 1, "name": "ada"}, {"name": "bob"}])", &h::DocInsert},
    CommandSpec{"doc get", "doc get COLL ID",
                "The document with _id ID, or null (a bare number/true/false/null is that JSON "
                "value; another bare word is a string)",
                "doc get users 1", &h::DocGet},
    CommandSpec{"doc find", "doc find COLL [FILTER] [project P] [sort S] [skip N] [limit N]",
                "The documents matching FILTER (MongoDB syntax), as an array",
                R"(doc find users {"age": {"$gte": 30}} sort {"age": -1} limit 10)", &h::DocFind},
    CommandSpec{"doc count", "doc count COLL [FILTER]", "How many documents match FILTER",
                R"(doc count users {"city": "oslo"})", &h::DocCount},
    CommandSpec{"doc update", "doc update COLL FILTER UPDATE [one] [upsert]",
                "Apply UPDATE (operators, or a replacement document) to the matching documents",
                R"(doc update users {"_id": 1} {"$inc": {"visits": 1}} upsert)", &h::DocUpdate},
    CommandSpec{"doc delete", "doc delete COLL FILTER [one]",
                "Delete the matching documents (only the first in _id order with one)",
                R"(doc delete users {"age": {"$lt": 18}})", &h::DocDelete},
    CommandSpec{"doc explain", "doc explain COLL FILTER [sort S]",
                "Run the query and show the plan: index (or null for a scan), bounds, keys and "
                "documents examined, documents returned",
                R"(doc explain users {"age": 30})", &h::DocExplainCmd},
    CommandSpec{"doc index create",
                "doc index create COLL KEYS [unique] [sparse] [partial FILTER] [name NAME]",
                "Create a secondary index and build it from the existing documents",
                R"(doc index create users {"email": 1} unique sparse)", &h::DocIndexCreate},
    CommandSpec{"doc index list", "doc index list COLL", "The indexes of a collection",
                "doc index list users", &h::DocIndexList},
    CommandSpec{"doc index drop", "doc index drop COLL NAME", "Drop an index",
                "doc index drop users email_1", &h::DocIndexDrop},
    CommandSpec{"doc import", "doc import COLL FILE",
                "Insert the documents of a JSON Lines file in batches of 1000 (progress on a "
                "terminal)",
                "doc import users users.jsonl", &h::DocImport},
    CommandSpec{"doc export", "doc export COLL FILE [FILTER]",
                "Write the matching documents to a JSON Lines file, in _id order",
                "doc export users users.jsonl", &h::DocExport},
    CommandSpec{"wide create", "wide create TABLE FAMILY [versions N] [ttl SECONDS] [min N]",
                "Declare a column family with its GC policy (versions kept, max age in seconds, "
                "versions kept regardless of age); again to add a family or change its policy",
                "wide create webtable contents versions 3 ttl 86400", &h::WideCreate},
    CommandSpec{"wide put", "wide put TABLE ROW FAMILY:QUALIFIER VALUE [at TS]",
                "Write a cell; TS is in microseconds (default: now)",
                "wide put webtable com.example contents:html <html>", &h::WidePut},
    CommandSpec{"wide get", "wide get TABLE ROW [column F[:Q]]... [versions N]",
                "The row's cells as {\"F:Q\": [{\"ts\", \"value\"}, ...]} newest first "
                "(N versions per column, default 1, 0 = all kept), or null",
                "wide get webtable com.example column contents versions 3", &h::WideGet},
    CommandSpec{"wide scan",
                "wide scan TABLE [from ROW] [to ROW] [prefix P] [column F[:Q]]... [versions N] "
                "[limit N] [reverse]",
                "Rows in key order as [{\"row\", \"cells\"}] (from inclusive, to exclusive)",
                "wide scan webtable prefix com. column contents limit 10", &h::WideScan},
    CommandSpec{"wide del", "wide del TABLE ROW [F[:Q]]",
                "Delete a row, a family of a row, or every version of a column",
                "wide del webtable com.example contents:html", &h::WideDel},
    CommandSpec{"wide incr", "wide incr TABLE ROW F:Q [DELTA]",
                "Add DELTA (default 1) to the integer in a column, atomically; prints the result",
                "wide incr webtable com.example contents:visits 5", &h::WideIncr},
    CommandSpec{"wide checkput", "wide checkput TABLE ROW F:Q EXPECTED F:Q VALUE",
                "Write the second column only if the first one's newest value is EXPECTED (null: "
                "absent), atomically per row",
                "wide checkput webtable job-1 contents:owner null contents:owner w7",
                &h::WideCheckput},
    CommandSpec{"ts write", "ts write LINE",
                "Write one line of InfluxDB line protocol (the rest of the command line)",
                "ts write cpu,host=a usage=0.5 1767225600000000000", &h::TsWrite},
    CommandSpec{"ts import", "ts import FILE",
                "Write a line-protocol file in batches of 5000 lines (progress on a terminal)",
                "ts import metrics.lp", &h::TsImport},
    CommandSpec{"ts query",
                "ts query MEASUREMENT FIELD [where TAG=V[,TAG=V...]] [from T] [to T] "
                "[agg FN every DURATION] [by TAG[,TAG...]] [limit N] [desc] [value OPX]",
                "Points or per-bucket aggregates (FN: count sum min max mean first last stddev "
                "p50 p90 p99); where also takes TAG!=V, TAG=~REGEX, TAG=(V1|V2); value keeps "
                "raw points whose value meets OP X (< <= > >= = !=, e.g. value >90)",
                "ts query cpu usage where host=a from 2026-01-01T00:00:00Z agg mean every 1h",
                &h::TsQuery},
    CommandSpec{"ts last", "ts last MEASUREMENT FIELD [where ...] [by TAG[,TAG...]]",
                "The latest point per group (per series without by)", "ts last cpu usage by host",
                &h::TsLast},
    CommandSpec{"ts series", "ts series [MEASUREMENT] [where ...]",
                "The series (measurement, tags, field) matching the tags", "ts series cpu",
                &h::TsSeries},
    CommandSpec{"ts retention", "ts retention MEASUREMENT DURATION",
                "Keep MEASUREMENT's points for DURATION (0: forever); older windows are dropped",
                "ts retention cpu 30d", &h::TsRetention},
    CommandSpec{"ts downsample", "ts downsample SRC DST FN every DURATION",
                "Maintain DST as FN of SRC per DURATION bucket, now and on every write",
                "ts downsample cpu cpu_1h mean every 1h", &h::TsDownsample},
    CommandSpec{"ts stats", "ts stats [MEASUREMENT]",
                "Stored points, series, bytes (keys included) and bytes per point", "ts stats cpu",
                &h::TsStats},
    CommandSpec{"graph addv", "graph addv G ID [LABEL] [PROPS]",
                "Create vertex ID in graph G, or replace its label and properties (a JSON object)",
                R"(graph addv social alice Person {"age": 30})", &h::GraphAddv},
    CommandSpec{"graph getv", "graph getv G ID",
                "The vertex as {\"id\", \"label\", \"props\", \"out_degree\", \"in_degree\"}, "
                "or null",
                "graph getv social alice", &h::GraphGetv},
    CommandSpec{"graph adde", "graph adde G SRC TYPE DST [weight W] [PROPS]",
                "Add a directed edge between existing vertices; prints its id",
                R"(graph adde social alice knows alice weight 2 {"since": 2020})", &h::GraphAdde},
    CommandSpec{"graph dele", "graph dele G EID", "Delete an edge by id", "graph dele social 1",
                &h::GraphDele},
    CommandSpec{"graph neighbors", "graph neighbors G ID [out|in|both] [type T] [where FILTER]",
                "The distinct neighbours one hop away, sorted (default direction: out); FILTER "
                "is a query filter on the neighbour's properties",
                R"(graph neighbors social alice both type knows where {"age": {"$gt": 21}})",
                &h::GraphNeighbors},
    CommandSpec{"graph khop", "graph khop G ID K [out|in|both] [type T] [list]",
                "How many distinct vertices lie within K hops (the start excluded); with list, "
                "which",
                "graph khop social alice 2 both list", &h::GraphKhop},
    CommandSpec{"graph path", "graph path G SRC DST [out|in|both] [type T] [weighted]",
                "A shortest path as {\"length\", \"path\"} (hops, or total weight), or null",
                "graph path social alice alice weighted", &h::GraphPath},
    CommandSpec{"graph pagerank", "graph pagerank G [iterations N] [damping D] [top K]",
                "PageRank of every vertex, rank descending (ranks sum to 1)",
                "graph pagerank social iterations 30 damping 0.85 top 10", &h::GraphPagerank},
    CommandSpec{"graph components", "graph components G [strong]",
                "Weakly (or strongly) connected components: {\"count\", \"largest\"}",
                "graph components social strong", &h::GraphComponents},
    CommandSpec{"graph triangles", "graph triangles G",
                "Triangles of G seen as an undirected simple graph", "graph triangles social",
                &h::GraphTriangles},
    CommandSpec{"graph load", "graph load G FILE [type T]",
                "Load a CSV/TSV edge list (src,dst[,type][,weight]) in batches, creating vertices "
                "(not atomic as a whole)",
                "graph load social /dev/null type knows", &h::GraphLoad},
    CommandSpec{"graph delv", "graph delv G ID",
                "Delete a vertex and every edge incident to it, in one transaction",
                "graph delv social alice", &h::GraphDelv},
    CommandSpec{"import", "import MODEL NAME FILE [format jsonl|csv|lp] [vertices FILE] [batch N]",
                "Load FILE into object NAME of MODEL (kv, doc, wide, graph, ts) in batches of N "
                "records (default 1000), one transaction each; a bad line stops it, naming it",
                "import kv users users.csv format csv", &h::Import},
    CommandSpec{"export", "export MODEL NAME FILE [format jsonl|csv|lp] [vertices FILE]",
                "Write object NAME of MODEL to FILE as of one snapshot (defaults: jsonl; graph "
                "csv edges, with vertices to the second FILE; ts line protocol)",
                "export graph social edges.csv vertices vertices.csv", &h::Export},
    CommandSpec{"dump", "dump FILE",
                "Write the whole database (every object, its options, indexes and records) to "
                "FILE in the portable tessera-dump format",
                "dump all.tdump", &h::Dump},
    CommandSpec{"restore", "restore FILE", "Load a dump into this database, which must be empty",
                "restore all.tdump", &h::Restore},
    CommandSpec{"backup", "backup DIR",
                "Write a consistent online copy of the database to the new directory DIR "
                "(open it with tessera --db DIR)",
                "backup /var/backups/tessera-2026-11-30", &h::Backup},
    CommandSpec{"begin", "begin", "Start a transaction: the kv commands until commit run in it",
                "begin", &h::Begin},
    CommandSpec{"commit", "commit", "Commit the open transaction", "commit", &h::Commit},
    CommandSpec{"rollback", "rollback", "Discard the open transaction", "rollback", &h::Rollback},
    CommandSpec{"changes", "changes [from SEQ] [limit N] [model M] [name OBJ] [op OPS] [wait MS]",
                "Short alias of feed read", "changes from 1 limit 10", &h::FeedRead},
    CommandSpec{"feed read",
                "feed read [from SEQ] [limit N] [model M] [name OBJ] [op OPS] [wait MS]",
                "Change events from SEQ on (default 1, at most N, default 100), filtered by "
                "model, object and ops (\"cud\"); wait up to MS for a first one",
                "feed read from 1 limit 10 model kv op cu", &h::FeedRead},
    CommandSpec{"feed tail", "feed tail [from SEQ] [model M] [name OBJ] [limit N]",
                "Print events as they commit, one JSON line each, until Ctrl-C (or N events)",
                "feed tail from 1 limit 1", &h::FeedTail},
    CommandSpec{"feed consumer create", "feed consumer create NAME [from SEQ | snapshot OBJ]",
                "Create a durable consumer from SEQ (default: the next commit), or starting with "
                "the contents of OBJ (MODEL:OBJ when the name is ambiguous) as op r events",
                "feed consumer create audit from 1", &h::FeedConsumerCreate},
    CommandSpec{"feed consumer next", "feed consumer next NAME [limit N]",
                "The consumer's next unacknowledged events (at most N, default 100)",
                "feed consumer next audit limit 10", &h::FeedConsumerNext},
    CommandSpec{"feed consumer ack", "feed consumer ack NAME SEQ",
                "Acknowledge the consumer's events up to and including SEQ",
                "feed consumer ack audit 1", &h::FeedConsumerAck},
    CommandSpec{"feed consumer list", "feed consumer list",
                "Every durable consumer with its acknowledged position", "feed consumer list",
                &h::FeedConsumerList},
    CommandSpec{"feed consumer drop", "feed consumer drop NAME", "Delete a durable consumer",
                "feed consumer drop audit", &h::FeedConsumerDrop},
    CommandSpec{"feed retention", "feed retention [age DURATION] [size BYTES] [nohold]",
                "Keep events for DURATION (30s, 12h, 7d) and/or the newest BYTES; held back for "
                "consumers unless nohold; applied now and kept across restarts",
                "feed retention age 7d size 1073741824", &h::FeedRetention},
    CommandSpec{"feed export", "feed export nats URL STREAM SUBJECT [consumer NAME]",
                "Publish the change feed to a NATS JetStream stream (created if missing), once per "
                "event, as durable consumer NAME (default nats-export); runs until Ctrl-C, "
                "reporting progress",
                "feed export nats nats://127.0.0.1:4222 TESSERA tessera.changes", &h::FeedExport},
    CommandSpec{"list", "list", "Every named object (model, name, id)", "list", &h::List},
    CommandSpec{"stats", "stats [prometheus]",
                "Operation counts and latencies, gauges and RocksDB statistics (or the "
                "Prometheus text)",
                "stats", &h::Stats},
    CommandSpec{"help", "help [COMMAND]",
                "List the commands, or show the syntax and an example of one (or of a group)",
                "help kv put", &h::Help},
    CommandSpec{"quit", "quit", "Leave the shell (an open transaction is rolled back)", "quit",
                &h::Quit},
    CommandSpec{"exit", "exit", "Leave the shell (same as quit)", "exit", &h::Quit},
    // Dot-commands change the shell, not the database.
    CommandSpec{".format", ".format [table|json|jsonl|csv]",
                "Show the output format, or change it for the commands that follow",
                ".format jsonl", &h::DotFormat},
    CommandSpec{".timer", ".timer [on|off]",
                "Show, or turn on or off, printing each command's run time to standard error",
                ".timer on", &h::DotTimer},
    CommandSpec{".help", ".help [COMMAND]", "Same as help", ".help kv scan", &h::Help},
    CommandSpec{".quit", ".quit", "Leave the shell (same as quit)", ".quit", &h::Quit},
    CommandSpec{".exit", ".exit", "Leave the shell (same as quit)", ".exit", &h::Quit},
};

// How many leading tokens of `tokens` spell `name`, or 0 if they do not.
size_t MatchLength(std::string_view name, std::span<const Token> tokens) {
  size_t count = 0;
  while (!name.empty()) {
    size_t space = name.find(' ');
    std::string_view word = name.substr(0, space);
    if (count >= tokens.size() || !IsWord(tokens[count], word)) return 0;
    ++count;
    name = space == std::string_view::npos ? std::string_view() : name.substr(space + 1);
  }
  return count;
}

bool IsGroup(std::string_view word) {
  std::string prefix = util::StrCat(word, " ");
  for (const CommandSpec& spec : kCommands) {
    if (spec.name.starts_with(prefix)) return true;
  }
  return false;
}

}  // namespace

std::span<const CommandSpec> CommandTable() { return kCommands; }

absl::Status CancelledByUser() { return absl::CancelledError("interrupted by Ctrl-C"); }

absl::StatusOr<std::unique_ptr<Session>> Session::Open(DB* db, Format format) {
  ASSIGN_OR_RETURN(std::unique_ptr<KvStore> kv, KvStore::Open(db));
  return std::unique_ptr<Session>(new Session(db, std::move(kv), format));
}

Session::Session(DB* db, std::unique_ptr<KvStore> kv, Format format)
    : db_(db), kv_(std::move(kv)), format_(format) {}

Session::~Session() {
  if (txn_ != nullptr && txn_->active()) txn_->Rollback().IgnoreError();
}

absl::StatusOr<Json> Session::Execute(std::string_view command) {
  ASSIGN_OR_RETURN(std::vector<Token> tokens, Tokenize(command));
  if (tokens.empty()) return absl::InvalidArgumentError("empty command");
  const CommandSpec* best = nullptr;
  size_t best_length = 0;
  for (const CommandSpec& spec : kCommands) {
    size_t length = MatchLength(spec.name, tokens);
    if (length > best_length) {
      best = &spec;
      best_length = length;
    }
  }
  if (best == nullptr) {
    const Token& first = tokens[0];
    if (first.kind == TokenKind::kBare && IsGroup(first.text)) {
      if (tokens.size() == 1) {
        return absl::InvalidArgumentError(util::StrCat("missing subcommand after '", first.text,
                                                       "'; 'help ", first.text, "' lists them"));
      }
      return absl::InvalidArgumentError(util::StrCat("unknown command '", first.text, " ",
                                                     tokens[1].text, "'; 'help ", first.text,
                                                     "' lists the ", first.text, " commands"));
    }
    return absl::InvalidArgumentError(
        util::StrCat("unknown command '", first.text, "'; 'help' lists the commands"));
  }
  Invocation call{*best, std::span<const Token>(tokens).subspan(best_length)};
  return best->handler(*this, call);
}

absl::Status Session::BeginTransaction() {
  if (txn_ != nullptr) {
    return absl::FailedPreconditionError("a transaction is already open; commit or rollback first");
  }
  ASSIGN_OR_RETURN(txn_, db_->Begin({.label = "shell"}));
  return absl::OkStatus();
}

absl::Status Session::CommitTransaction() {
  if (txn_ == nullptr) return absl::FailedPreconditionError("no transaction is open");
  std::unique_ptr<Transaction> txn = std::move(txn_);
  absl::Status s = txn->Commit();
  if (s.ok()) return s;
  if (txn->active()) txn->Rollback().IgnoreError();
  return absl::Status(s.code(), util::StrCat("commit failed, the transaction was rolled back: ",
                                             util::ToStd(s.message())));
}

absl::Status Session::RollbackTransaction() {
  if (txn_ == nullptr) return absl::FailedPreconditionError("no transaction is open");
  std::unique_ptr<Transaction> txn = std::move(txn_);
  return txn->Rollback();
}

}  // namespace tessera::shell
