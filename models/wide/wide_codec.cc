// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// Wide-column layouts (see wide_codec.h).
#include "models/wide/wide_codec.h"

#include "core/codec/coding.h"

namespace tessera::wide {

const FamilySchema* TableSchema::Find(std::string_view name) const {
  for (const auto& f : families) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

const FamilySchema* TableSchema::FindId(uint8_t id) const {
  for (const auto& f : families) {
    if (f.id == id) return &f;
  }
  return nullptr;
}

std::string EncodeSchema(const TableSchema& schema) {
  std::string out(1, '\x01');
  codec::PutVarint64(&out, schema.families.size());
  for (const auto& f : schema.families) {
    out.push_back(static_cast<char>(f.id));
    codec::PutLengthPrefixed(&out, f.name);
    codec::PutVarint64(&out, f.options.max_versions);
    codec::PutVarsint64(&out, f.options.ttl_seconds);
    codec::PutVarint64(&out, f.options.min_versions);
  }
  return out;
}

bool DecodeSchema(std::string_view in, TableSchema* out) {
  out->families.clear();
  if (in.empty() || in[0] != '\x01') return false;
  in.remove_prefix(1);
  uint64_t n;
  if (!codec::GetVarint64(&in, &n) || n > 255) return false;
  for (uint64_t i = 0; i < n; ++i) {
    FamilySchema f;
    std::string_view name;
    uint64_t maxv, minv;
    int64_t ttl;
    if (in.empty()) return false;
    f.id = static_cast<uint8_t>(in[0]);
    in.remove_prefix(1);
    if (!codec::GetLengthPrefixed(&in, &name) || !codec::GetVarint64(&in, &maxv) ||
        !codec::GetVarsint64(&in, &ttl) || !codec::GetVarint64(&in, &minv) || maxv > UINT32_MAX ||
        minv > UINT32_MAX) {
      return false;
    }
    f.name = std::string(name);
    f.options.max_versions = static_cast<uint32_t>(maxv);
    f.options.ttl_seconds = ttl;
    f.options.min_versions = static_cast<uint32_t>(minv);
    out->families.push_back(std::move(f));
  }
  return in.empty();
}

void AppendEscaped(std::string* out, std::string_view bytes) {
  for (char c : bytes) {
    out->push_back(c);
    if (c == '\0') out->push_back('\xff');
  }
}

void AppendTerminated(std::string* out, std::string_view bytes) {
  AppendEscaped(out, bytes);
  out->push_back('\0');
  out->push_back('\x01');
}

bool GetTerminated(std::string_view* in, std::string* out) {
  out->clear();
  size_t i = 0;
  while (i < in->size()) {
    char c = (*in)[i];
    if (c != '\0') {
      out->push_back(c);
      ++i;
      continue;
    }
    if (i + 1 >= in->size()) return false;
    char next = (*in)[i + 1];
    if (next == '\x01') {
      in->remove_prefix(i + 2);
      return true;
    }
    if (next != '\xff') return false;
    out->push_back('\0');
    i += 2;
  }
  return false;
}

std::string RowPrefix(uint64_t table, std::string_view row) {
  std::string k;
  k.reserve(8 + row.size() + 2);
  codec::PutFixed64BE(&k, table);
  AppendTerminated(&k, row);
  return k;
}

std::string RowBytesPrefix(uint64_t table, std::string_view row_prefix) {
  std::string k;
  codec::PutFixed64BE(&k, table);
  AppendEscaped(&k, row_prefix);
  return k;
}

std::string FamilyPrefix(uint64_t table, std::string_view row, uint8_t family) {
  std::string k = RowPrefix(table, row);
  k.push_back(static_cast<char>(family));
  return k;
}

std::string ColumnPrefix(uint64_t table, std::string_view row, uint8_t family,
                         std::string_view qualifier) {
  std::string k = FamilyPrefix(table, row, family);
  AppendTerminated(&k, qualifier);
  return k;
}

void AppendTimestamp(std::string* out, int64_t ts) {
  codec::PutFixed64BE(out, ~static_cast<uint64_t>(ts));
}

std::string CellKey(uint64_t table, std::string_view row, uint8_t family,
                    std::string_view qualifier, int64_t ts) {
  std::string k = ColumnPrefix(table, row, family, qualifier);
  AppendTimestamp(&k, ts);
  return k;
}

std::string LockKey(uint64_t table, std::string_view row) {
  return FamilyPrefix(table, row, kLockFamilyId);
}

bool DecodeKey(std::string_view key, DecodedKey* out) {
  if (key.size() < 8) return false;
  std::string_view in = key.substr(8);
  if (!GetTerminated(&in, &out->row) || in.empty()) return false;
  out->row_prefix_len = key.size() - in.size();
  out->family = static_cast<uint8_t>(in[0]);
  in.remove_prefix(1);
  if (out->family == kLockFamilyId) {
    out->qualifier.clear();
    out->timestamp = 0;
    out->column_prefix_len = key.size();
    return in.empty();
  }
  if (!GetTerminated(&in, &out->qualifier) || in.size() != 8) return false;
  out->column_prefix_len = key.size() - 8;
  out->timestamp = static_cast<int64_t>(~codec::DecodeFixed64BE(in.data()));
  return out->timestamp >= 0;
}

std::string EncodeCellValue(std::string_view value) {
  std::string out;
  out.reserve(1 + value.size());
  out.push_back(static_cast<char>(kCellFlagPlain));
  out.append(value);
  return out;
}

bool DecodeCellValue(std::string_view raw, std::string_view* value) {
  if (raw.empty() || static_cast<uint8_t>(raw[0]) != kCellFlagPlain) return false;
  *value = raw.substr(1);
  return true;
}

bool KeepVersion(const WideFamilyOptions& gc, size_t index, int64_t ts, int64_t now_us) {
  if (gc.max_versions != 0 && index >= gc.max_versions) return false;
  if (gc.ttl_seconds <= 0 || index < gc.min_versions) return true;
  // Expired when now - ts > ttl (in microseconds); compared without overflow.
  int64_t ttl_us = gc.ttl_seconds * 1000000;
  return ts >= now_us || now_us - ts <= ttl_us;
}

}  // namespace tessera::wide
