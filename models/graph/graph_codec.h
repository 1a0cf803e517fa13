// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// Graph layout. G = the graph's catalog id, 8 bytes big-endian. Lengths are big-endian.
//
// data column family:
//   vertex:        | G | 'V' | vertex id (raw) |          -> msgpack {"l": label, "p": props}
//   degree:        | G | 'D' | dir 1B | vertex id (raw) | -> decimal counter (value envelope),
//                                                            dir 0 = out, 1 = in; changed by
//                                                            the engine's counter merge operator
//   edge:          | G | 'E' | edge id (8 B BE) |         -> msgpack {"s": src, "d": dst,
//                                                            "t": type, "w": weight, "p": props}
//   load guard:    | G | 'L' |                            -> empty; locked shared by every
//                                                            DeleteVertex, exclusively by each
//                                                            bulk-loaded batch; written (a
//                                                            conflict marker) only after a batch
//                                                            that older snapshots may predate
//   next edge id:  | G | 'N' |                            -> 8 B BE, the next id to hand out
//
// adj column family (one entry per direction of every edge):
//   +---+---------+-----+-----+--------+------+---------+-------+-------------+
//   | G | vlen 2B | vid | dir | tlen 1B| type | olen 2B | other | edge id 8B  |  -> weight (8 B,
//   +---+---------+-----+-----+--------+------+---------+-------+-------------+     IEEE754 BE)
//   dir: 0 = out (vid -> other), 1 = in (other -> vid)
//
// So the out- or in-edges of a vertex, optionally of one type, are the keys under the prefix
// G|vlen|vid|dir[|tlen|type]: one bounded scan whose keys and values carry everything a hop needs.
// Edge types are stored by name (at most 255 bytes), so no catalog of types is needed.
#pragma once

#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

#include "core/codec/coding.h"
#include "tessera/graph.h"

namespace tessera::graph {

inline std::string GraphPrefix(uint64_t g) {
  std::string k;
  codec::PutFixed64BE(&k, g);
  return k;
}
inline std::string VertexPrefix(uint64_t g) {
  std::string k = GraphPrefix(g);
  k.push_back('V');
  return k;
}
inline std::string VertexKey(uint64_t g, std::string_view vid) {
  std::string k = VertexPrefix(g);
  k.append(vid);
  return k;
}
inline std::string DegreeKey(uint64_t g, std::string_view vid, Direction dir) {
  std::string k = GraphPrefix(g);
  k.push_back('D');
  k.push_back(static_cast<char>(dir));
  k.append(vid);
  return k;
}
inline std::string EdgeKey(uint64_t g, uint64_t eid) {
  std::string k = GraphPrefix(g);
  k.push_back('E');
  codec::PutFixed64BE(&k, eid);
  return k;
}
// The lock that keeps a DeleteVertex and a bulk-loaded batch apart (graph_ingest.h).
inline std::string LoadGuardKey(uint64_t g) {
  std::string k = GraphPrefix(g);
  k.push_back('L');
  return k;
}
// How long DeleteVertex waits for the load guard (a batch holds it for tens to hundreds of
// milliseconds) before it reports a conflict.
inline constexpr int64_t kLoadGuardWaitMs = 1000;
inline std::string NextEdgeIdKey(uint64_t g) {
  std::string k = GraphPrefix(g);
  k.push_back('N');
  return k;
}

// The adjacency prefix of `vid` (and of one direction / type when given).
inline std::string AdjVertexPrefix(uint64_t g, std::string_view vid) {
  std::string k = GraphPrefix(g);
  codec::PutFixed16BE(&k, static_cast<uint16_t>(vid.size()));
  k.append(vid);
  return k;
}
inline std::string AdjDirPrefix(uint64_t g, std::string_view vid, Direction dir) {
  std::string k = AdjVertexPrefix(g, vid);
  k.push_back(static_cast<char>(dir));
  return k;
}
inline std::string AdjTypePrefix(uint64_t g, std::string_view vid, Direction dir,
                                 std::string_view type) {
  std::string k = AdjDirPrefix(g, vid, dir);
  k.push_back(static_cast<char>(static_cast<uint8_t>(type.size())));
  k.append(type);
  return k;
}
inline std::string AdjKey(uint64_t g, std::string_view vid, Direction dir, std::string_view type,
                          std::string_view other, uint64_t eid) {
  std::string k = AdjTypePrefix(g, vid, dir, type);
  codec::PutFixed16BE(&k, static_cast<uint16_t>(other.size()));
  k.append(other);
  codec::PutFixed64BE(&k, eid);
  return k;
}

inline std::string EncodeWeight(double w) {
  uint64_t bits;
  std::memcpy(&bits, &w, 8);
  std::string v;
  codec::PutFixed64BE(&v, bits);
  return v;
}
inline bool DecodeWeight(std::string_view v, double* w) {
  if (v.size() != 8) return false;
  uint64_t bits = codec::DecodeFixed64BE(v.data());
  std::memcpy(w, &bits, 8);
  return true;
}

// Parses a whole adjacency key (graph id included) into `e` and, when `vertex` is not null, the
// vertex whose adjacency it is. False when malformed.
inline bool DecodeAdjKey(std::string_view key, AdjEntry* e, std::string_view* vertex = nullptr) {
  if (key.size() < 8 + 2) return false;
  std::string_view in = key.substr(8);
  size_t vlen = (static_cast<uint8_t>(in[0]) << 8) | static_cast<uint8_t>(in[1]);
  in.remove_prefix(2);
  if (in.size() < vlen + 2) return false;
  if (vertex != nullptr) *vertex = in.substr(0, vlen);
  in.remove_prefix(vlen);
  uint8_t dir = static_cast<uint8_t>(in[0]);
  if (dir > 1) return false;
  e->dir = static_cast<Direction>(dir);
  size_t tlen = static_cast<uint8_t>(in[1]);
  in.remove_prefix(2);
  if (in.size() < tlen + 2) return false;
  e->type = in.substr(0, tlen);
  in.remove_prefix(tlen);
  size_t olen = (static_cast<uint8_t>(in[0]) << 8) | static_cast<uint8_t>(in[1]);
  in.remove_prefix(2);
  if (in.size() != olen + 8) return false;
  e->other = in.substr(0, olen);
  e->edge_id = codec::DecodeFixed64BE(in.data() + olen);
  return true;
}

// Stored vertex and edge records (msgpack maps; see the layout above). `props` is JSON text.
struct VertexRecord {
  std::string label;
  std::string props = "{}";
};
std::string EncodeVertex(const VertexRecord& v);
std::optional<VertexRecord> DecodeVertex(std::string_view raw);
std::string EncodeEdge(const Edge& e);  // e.id is not stored (it is in the key)
std::optional<Edge> DecodeEdge(std::string_view raw, uint64_t id);

// Normalises user props: "" -> "{}", otherwise must parse as a JSON object (InvalidArgument).
absl::StatusOr<std::string> NormalizeProps(std::string_view props, std::string_view what);

}  // namespace tessera::graph
