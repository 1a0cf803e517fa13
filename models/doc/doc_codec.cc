// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// Document model encodings (layouts in doc_codec.h).
#include "models/doc/doc_codec.h"

#include <atomic>
#include <chrono>
#include <random>

#include "core/codec/coding.h"
#include "core/codec/key_codec.h"
#include "core/util/strings.h"
#include "tessera/status.h"

namespace tessera::doc {
namespace {

constexpr int kMaxDecodeDepth = 200;

codec::Element NumberElement(const Json& v) {
  if (v.is_number_integer() && !v.is_number_unsigned()) {
    return codec::Element::Int(v.get<int64_t>());
  }
  if (v.is_number_unsigned()) {
    uint64_t u = v.get<uint64_t>();
    if (u <= static_cast<uint64_t>(INT64_MAX)) return codec::Element::Int(static_cast<int64_t>(u));
    return codec::Element::Double(static_cast<double>(u));
  }
  return codec::Element::Double(v.get<double>());
}

void AppendAscending(std::string* out, const Json& v, bool top) {
  switch (v.type()) {
    case Json::value_t::null:
    case Json::value_t::discarded:
      out->push_back(static_cast<char>(kClassNull));
      return;
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned:
    case Json::value_t::number_float:
      out->push_back(static_cast<char>(kClassNumber));
      codec::AppendElement(out, NumberElement(v));
      return;
    case Json::value_t::string:
      out->push_back(static_cast<char>(kClassString));
      codec::AppendElement(out, codec::Element::String(v.get_ref<const std::string&>()));
      return;
    case Json::value_t::binary:
      // Not produced by JSON text; stored like a string of its bytes.
      out->push_back(static_cast<char>(kClassString));
      codec::AppendElement(
          out, codec::Element::String(std::string(v.get_binary().begin(), v.get_binary().end())));
      return;
    case Json::value_t::object:
      out->push_back(static_cast<char>(kClassObject));
      for (const auto& [name, value] : v.items()) {
        out->push_back('\x01');
        codec::AppendElement(out, codec::Element::String(name));
        AppendAscending(out, value, false);
      }
      out->push_back('\x00');
      return;
    case Json::value_t::array:
      if (v.empty() && top) {
        out->push_back(static_cast<char>(kClassEmptyArray));
        return;
      }
      out->push_back(static_cast<char>(kClassArray));
      for (const Json& e : v) AppendAscending(out, e, false);
      out->push_back('\x00');
      return;
    case Json::value_t::boolean:
      out->push_back(static_cast<char>(kClassBool));
      out->push_back(v.get<bool>() ? '\x01' : '\x00');
      return;
  }
}

absl::StatusOr<Json> Decode(std::string_view* in, int depth) {
  if (depth > kMaxDecodeDepth) return absl::DataLossError("document key: nesting too deep");
  if (in->empty()) return absl::DataLossError("document key: truncated component");
  uint8_t cls = static_cast<uint8_t>((*in)[0]);
  in->remove_prefix(1);
  switch (cls) {
    case kClassEmptyArray:
      return Json::array();
    case kClassNull:
      return Json(nullptr);
    case kClassNumber:
    case kClassString: {
      codec::Element e;
      RETURN_IF_ERROR(codec::DecodeElement(in, &e));
      if (cls == kClassString) {
        if (auto* s = std::get_if<std::string>(&e.value)) return Json(*s);
      } else if (auto* i = std::get_if<int64_t>(&e.value)) {
        return Json(*i);
      } else if (auto* d = std::get_if<double>(&e.value)) {
        return Json(*d);
      }
      return absl::DataLossError("document key: component does not match its class");
    }
    case kClassObject: {
      Json obj = Json::object();
      while (true) {
        if (in->empty()) return absl::DataLossError("document key: unterminated object");
        char marker = (*in)[0];
        in->remove_prefix(1);
        if (marker == '\x00') return obj;
        if (marker != '\x01') return absl::DataLossError("document key: bad object field marker");
        codec::Element name;
        RETURN_IF_ERROR(codec::DecodeElement(in, &name));
        auto* s = std::get_if<std::string>(&name.value);
        if (s == nullptr) return absl::DataLossError("document key: object field name");
        ASSIGN_OR_RETURN(Json value, Decode(in, depth + 1));
        obj[*s] = std::move(value);
      }
    }
    case kClassArray: {
      Json arr = Json::array();
      while (true) {
        if (in->empty()) return absl::DataLossError("document key: unterminated array");
        if ((*in)[0] == '\x00') {
          in->remove_prefix(1);
          return arr;
        }
        ASSIGN_OR_RETURN(Json value, Decode(in, depth + 1));
        arr.push_back(std::move(value));
      }
    }
    case kClassBool: {
      if (in->empty()) return absl::DataLossError("document key: truncated bool");
      char b = (*in)[0];
      in->remove_prefix(1);
      if (b != '\x00' && b != '\x01') return absl::DataLossError("document key: bad bool");
      return Json(b == '\x01');
    }
    default:
      return absl::DataLossError(util::StrCat("document key: unknown class byte ", int{cls}));
  }
}

}  // namespace

uint8_t ClassByte(const Json& v) {
  std::string s;
  if (v.is_object() || v.is_array()) {
    return v.is_object() ? kClassObject : (v.empty() ? kClassEmptyArray : kClassArray);
  }
  AppendAscending(&s, v, true);
  return static_cast<uint8_t>(s[0]);
}

void AppendComponent(std::string* out, const Json& v, bool descending) {
  size_t start = out->size();
  AppendAscending(out, v, true);
  if (descending) {
    for (size_t i = start; i < out->size(); ++i) (*out)[i] = static_cast<char>(~(*out)[i]);
  }
}

std::string EncodeComponent(const Json& v, bool descending) {
  std::string out;
  AppendComponent(&out, v, descending);
  return out;
}

absl::StatusOr<Json> DecodeComponent(std::string_view* in, bool descending) {
  if (!descending) return Decode(in, 0);
  std::string flipped(*in);
  for (char& c : flipped) c = static_cast<char>(~c);
  std::string_view rest = flipped;
  absl::StatusOr<Json> v = Decode(&rest, 0);
  if (v.ok()) in->remove_prefix(flipped.size() - rest.size());
  return v;
}

std::string DataKey(uint64_t coll, std::string_view pk) {
  std::string k;
  k.reserve(8 + pk.size());
  codec::PutFixed64BE(&k, coll);
  k.append(pk);
  return k;
}

std::string IndexPrefix(uint64_t coll, uint32_t index_no) {
  std::string k;
  codec::PutFixed64BE(&k, coll);
  for (int shift = 24; shift >= 0; shift -= 8) k.push_back(static_cast<char>(index_no >> shift));
  return k;
}

std::string EncodeDocument(const Json& doc) {
  std::string out;
  out.reserve(256);
  out.push_back(kDocFormatMsgpack);
  AppendMsgpack(doc, &out);
  return out;
}

absl::Status DecodeDocumentInto(std::string_view stored, Json* out, const FieldSet* only) {
  if (stored.empty() || stored[0] != kDocFormatMsgpack) {
    return absl::DataLossError("stored document: unknown format byte");
  }
  return DecodeMsgpackObject(stored.substr(1), out, only);
}

absl::StatusOr<Json> DecodeDocument(std::string_view stored, const FieldSet* only) {
  Json doc;
  RETURN_IF_ERROR(DecodeDocumentInto(stored, &doc, only));
  return doc;
}

std::string GenerateId() {
  static const uint64_t kRandom = [] {
    std::random_device rd;
    return ((static_cast<uint64_t>(rd()) << 32) ^ rd()) & 0xFFFFFFFFFFull;
  }();
  static std::atomic<uint32_t> counter{[] {
    std::random_device rd;
    return static_cast<uint32_t>(rd());
  }()};
  uint32_t secs = static_cast<uint32_t>(std::chrono::duration_cast<std::chrono::seconds>(
                                            std::chrono::system_clock::now().time_since_epoch())
                                            .count());
  uint32_t c = counter.fetch_add(1) & 0xFFFFFF;
  char buf[25];
  snprintf(buf, sizeof(buf), "%08x%010llx%06x", secs, static_cast<unsigned long long>(kRandom), c);
  return std::string(buf, 24);
}

}  // namespace tessera::doc
