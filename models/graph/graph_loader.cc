// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// Edge-list bulk load (see graph_loader.h). Rows are read and parsed one batch at a time; each
// batch creates its missing vertices and writes its edges atomically: by bulk ingestion of sorted
// files (graph_ingest.h), or for a small batch in one transaction (ids for the whole batch are
// reserved with one allocator update). Progress goes to stderr when it is a terminal.
#include "models/graph/graph_loader.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <memory>
#include <unordered_map>
#include <unordered_set>

#include "core/engine/txn_impl.h"
#include "core/util/strings.h"
#include "models/graph/graph_ingest.h"
#include "models/graph/graph_writer.h"
#include "tessera/status.h"

namespace tessera::graph {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

// Reads a file's lines as views into large blocks, without a copy or an allocation per line.
// The views of the lines read since the last Release() stay valid until the next Release().
class LineReader {
 public:
  explicit LineReader(std::FILE* f) : f_(f) {}

  // The next line without its '\n' (a last line without one counts); false at the end.
  bool Next(std::string_view* line) {
    while (true) {
      if (cur_ != nullptr) {
        const size_t nl = cur_->find('\n', pos_);
        if (nl != std::string::npos) {
          *line = std::string_view(*cur_).substr(pos_, nl - pos_);
          consumed_ += nl + 1 - pos_;
          pos_ = nl + 1;
          return true;
        }
      }
      std::string_view tail =
          cur_ == nullptr ? std::string_view() : std::string_view(*cur_).substr(pos_);
      if (eof_) {
        if (tail.empty()) return false;
        *line = tail;
        consumed_ += tail.size();
        pos_ = cur_->size();
        return true;
      }
      // A new block starts with the unfinished tail of the previous one; it reads at least as
      // much again, so a very long line is copied a logarithmic number of times.
      const size_t want = std::max(kBlockBytes, tail.size());
      auto block = std::make_unique<std::string>();
      block->reserve(tail.size() + want);
      block->append(tail);
      const size_t have = block->size();
      block->resize(have + want);
      const size_t got = std::fread(block->data() + have, 1, want, f_);
      block->resize(have + got);
      if (got < want) {
        eof_ = true;
        error_ = std::ferror(f_) != 0;
      }
      blocks_.push_back(std::move(block));
      cur_ = blocks_.back().get();
      pos_ = 0;
    }
  }

  // Frees the blocks no later line will come from (invalidates earlier views).
  void Release() {
    if (blocks_.size() > 1) blocks_.erase(blocks_.begin(), blocks_.end() - 1);
  }

  bool error() const { return error_; }
  uint64_t consumed() const { return consumed_; }  // bytes of the lines returned so far

 private:
  static constexpr size_t kBlockBytes = 1 << 20;
  std::FILE* const f_;
  std::vector<std::unique_ptr<std::string>> blocks_;
  std::string* cur_ = nullptr;
  size_t pos_ = 0;
  uint64_t consumed_ = 0;
  bool eof_ = false;
  bool error_ = false;
};

}  // namespace

absl::StatusOr<bool> ParseEdgeRow(std::string_view line, size_t line_no, EdgeRow* row) {
  std::string_view t = Trim(line);
  if (t.empty() || t.front() == '#') return false;
  const char sep = line.find('\t') != std::string_view::npos ? '\t' : ',';
  std::string_view f[4];
  size_t fields = 0;
  size_t start = 0;
  while (true) {
    size_t p = t.find(sep, start);
    std::string_view field = t.substr(start, p == std::string_view::npos ? p : p - start);
    if (fields < 4) f[fields] = Trim(field);
    ++fields;
    if (p == std::string_view::npos) break;
    start = p + 1;
  }
  if (fields < 2 || fields > 4) {
    return absl::InvalidArgumentError(util::StrCat(
        "edge list line ", line_no, ": expected src,dst[,type][,weight], got ", fields, " fields"));
  }
  row->src = f[0];
  row->dst = f[1];
  row->type = fields >= 3 ? f[2] : std::string_view();
  row->weight = 1.0;
  if (auto s = ValidateVertexId(row->src); !s.ok()) {
    return absl::InvalidArgumentError(util::StrCat("edge list line ", line_no, ": ", s.message()));
  }
  if (auto s = ValidateVertexId(row->dst); !s.ok()) {
    return absl::InvalidArgumentError(util::StrCat("edge list line ", line_no, ": ", s.message()));
  }
  if (row->type.size() > kMaxEdgeTypeBytes) {
    return absl::InvalidArgumentError(
        util::StrCat("edge list line ", line_no, ": edge type longer than ", kMaxEdgeTypeBytes));
  }
  if (fields == 4) {
    std::string w(f[3]);
    char* end = nullptr;
    errno = 0;
    double v = std::strtod(w.c_str(), &end);
    if (w.empty() || end != w.c_str() + w.size() || errno != 0 || !std::isfinite(v)) {
      return absl::InvalidArgumentError(
          util::StrCat("edge list line ", line_no, ": weight is not a finite number: ", w));
    }
    row->weight = v;
  }
  return true;
}

absl::StatusOr<GraphLoadResult> LoadEdgeListFile(internal::Engine* engine, const ObjectInfo& graph,
                                                 const std::string& file,
                                                 const GraphLoadOptions& options,
                                                 size_t min_ingest_edges) {
  RETURN_IF_ERROR(ValidateEdgeType(options.default_type));
  if (options.batch_edges == 0) {
    return absl::InvalidArgumentError("graph load: batch_edges must be at least 1");
  }
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> f(std::fopen(file.c_str(), "rb"), &std::fclose);
  if (f == nullptr) {
    return absl::NotFoundError(
        util::StrCat("graph load: cannot open ", file, ": ", std::strerror(errno)));
  }
  LineReader in(f.get());
  const bool show = options.progress && !options.on_progress && isatty(STDERR_FILENO) == 1;
  GraphLoadResult result;
  std::error_code fs_error;  // file_size failing only leaves the progress at 0 bytes
  std::string_view line;
  size_t line_no = 0;
  bool eof = false;
  IngestMemo memo;
  std::vector<EdgeRow> rows;
  rows.reserve(std::min<size_t>(options.batch_edges, size_t{1} << 20));
  while (!eof) {
    rows.clear();
    in.Release();  // the previous batch is written: its text is no longer needed
    while (rows.size() < options.batch_edges) {
      if (!in.Next(&line)) {
        eof = true;
        break;
      }
      ++line_no;
      EdgeRow row;
      ASSIGN_OR_RETURN(bool has_row, ParseEdgeRow(line, line_no, &row));
      if (!has_row) continue;
      if (row.type.empty()) row.type = options.default_type;
      rows.push_back(row);
    }
    if (in.error()) return absl::DataLossError(util::StrCat("graph load: read error in ", file));
    if (rows.empty()) break;
    if (options.cancelled && options.cancelled()) {
      return absl::CancelledError(util::StrCat("graph load cancelled; ", result.edges,
                                               " edges of earlier batches stay committed"));
    }
    int64_t created = 0;
    absl::Status s;
    if (rows.size() >= min_ingest_edges) {
      absl::StatusOr<int64_t> n = IngestEdgeBatch(engine, graph, rows, &memo);
      s = n.status();
      if (n.ok()) created = *n;
    } else {
      memo.WaitUnlock();  // the previous batch's vertices, which this one may lock again
      s = engine->RunInTxn("graph.load", /*snapshot=*/false, RetryOptions(),
                           [&](internal::TxnImpl& txn) {
                             created = 0;
                             GraphWriter w(&txn, graph);
                             // Every endpoint is locked once per batch, so a concurrent
                             // DeleteVertex cannot leave an edge of this batch dangling.
                             std::unordered_set<std::string_view> here;
                             auto ensure = [&](std::string_view v) -> absl::Status {
                               if (here.count(v) != 0) return absl::OkStatus();
                               ASSIGN_OR_RETURN(auto rec, w.LockVertex(v));
                               if (!rec) {
                                 RETURN_IF_ERROR(w.PutVertex(v, VertexRecord()).status());
                                 ++created;
                               }
                               here.insert(v);
                               return absl::OkStatus();
                             };
                             ASSIGN_OR_RETURN(uint64_t next_id, w.AllocateEdgeIds(rows.size()));
                             // Degrees change once per vertex per batch, not once per edge.
                             std::unordered_map<std::string_view, int64_t> out_degree, in_degree;
                             // Nothing written below is read back by this transaction (each vertex
                             // is locked and read once, before any write of it; edge keys are new):
                             // skip the write index.
                             txn.SetIndexing(false);
                             for (const EdgeRow& r : rows) {
                               RETURN_IF_ERROR(ensure(r.src));
                               RETURN_IF_ERROR(ensure(r.dst));
                               Edge e;
                               e.id = next_id++;
                               e.src = r.src;
                               e.dst = r.dst;
                               e.type = r.type;
                               e.weight = r.weight;
                               e.props = "{}";
                               RETURN_IF_ERROR(w.WriteEdge(e, /*count_degrees=*/false));
                               ++out_degree[r.src];
                               ++in_degree[r.dst];
                             }
                             for (const auto& [v, n] : out_degree) {
                               RETURN_IF_ERROR(w.AddDegree(v, Direction::kOut, n));
                             }
                             for (const auto& [v, n] : in_degree)
                               RETURN_IF_ERROR(w.AddDegree(v, Direction::kIn, n));
                             txn.SetIndexing(true);
                             return absl::OkStatus();
                           });
    }
    if (!s.ok()) {
      return absl::Status(
          s.code(),
          util::StrCat("graph load: ", s.message(), " (the batch ending at line ", line_no,
                       " failed; ", result.edges, " edges of earlier batches stay committed)"));
    }
    result.vertices += created;
    result.edges += static_cast<int64_t>(rows.size());
    if (options.on_progress) {
      uint64_t bytes = in.consumed();
      if (eof) {
        uintmax_t size = std::filesystem::file_size(file, fs_error);
        if (!fs_error) bytes = size;
      }
      options.on_progress(result.edges, bytes);
    }
    if (show) {
      std::fprintf(stderr, "\rgraph load %s: %lld edges, %lld new vertices", graph.name.c_str(),
                   static_cast<long long>(result.edges), static_cast<long long>(result.vertices));
      std::fflush(stderr);
    }
  }
  if (show) std::fprintf(stderr, "\n");
  return result;
}

}  // namespace tessera::graph
