// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// The lazily decoded document view (see doc_view.h).
#include "models/doc/doc_view.h"

#include "models/doc/doc_codec.h"
#include "tessera/status.h"

namespace tessera::doc {

absl::Status LazyDocument::Reset(std::string_view stored) {
  stored_ = stored;
  slots_.clear();
  whole_decoded_ = false;
  status_ = absl::OkStatus();
  if (stored.empty() || stored[0] != kDocFormatMsgpack) {
    fields_.clear();
    status_ = absl::DataLossError("stored document: unknown format byte");
    return status_;
  }
  status_ = IndexMsgpackObject(stored.substr(1), &fields_);
  // One slot per field at most: Field's pointers stay valid until the next Reset.
  slots_.reserve(fields_.size());
  return status_;
}

const Json* LazyDocument::Field(const std::string& name) {
  for (Slot& s : slots_) {
    if (s.field.name == name) return &s.value;
  }
  // A stored document has distinct keys; the first one is the field (as ordered_map::find).
  for (const MsgpackField& f : fields_) {
    if (f.name != name) continue;
    Slot& s = slots_.emplace_back();
    s.field = f;
    absl::Status st = DecodeMsgpackValue(f.value, &s.value);
    if (!st.ok()) {
      if (status_.ok()) status_ = st;
      slots_.pop_back();
      return nullptr;
    }
    return &s.value;
  }
  return nullptr;
}

const Json& LazyDocument::Whole() {
  if (!whole_decoded_) {
    absl::Status st = Decode(&whole_);
    if (!st.ok()) {
      if (status_.ok()) status_ = st;
      whole_ = Json::object();
    }
    whole_decoded_ = true;
  }
  return whole_;
}

absl::Status LazyDocument::Decode(Json* out, const FieldSet* only) const {
  return DecodeDocumentInto(stored_, out, only);
}

void DocumentViewAccess::Set(DocumentView* view, std::string_view stored,
                             const std::vector<MsgpackField>& fields) {
  view->stored_ = stored;
  view->fields_.clear();
  view->fields_.reserve(fields.size());
  for (const MsgpackField& f : fields) view->fields_.emplace_back(f.name, f.value);
}

void DocumentViewAccess::Clear(DocumentView* view) {
  view->stored_ = {};
  view->fields_.clear();
  view->owned_.clear();
}

absl::Status DocumentViewAccess::Reset(DocumentView* view, std::string_view stored,
                                       std::vector<MsgpackField>* scratch) {
  view->stored_ = stored;
  view->fields_.clear();
  if (stored.empty() || stored[0] != kDocFormatMsgpack) {
    return absl::DataLossError("stored document: unknown format byte");
  }
  RETURN_IF_ERROR(IndexMsgpackObject(stored.substr(1), scratch));
  view->fields_.reserve(scratch->size());
  for (const MsgpackField& f : *scratch) view->fields_.emplace_back(f.name, f.value);
  return absl::OkStatus();
}

}  // namespace tessera::doc

namespace tessera {

std::optional<size_t> DocumentView::find(std::string_view name) const {
  for (size_t i = 0; i < fields_.size(); ++i) {
    if (fields_[i].first == name) return i;
  }
  return std::nullopt;
}

std::optional<std::string_view> DocumentView::string_value(size_t i) const {
  std::string_view s;
  if (!doc::MsgpackString(fields_[i].second, &s)) return std::nullopt;
  return s;
}

absl::StatusOr<Document> DocumentView::value(size_t i) const {
  Document out;
  RETURN_IF_ERROR(doc::DecodeMsgpackValue(fields_[i].second, &out));
  return out;
}

absl::StatusOr<Document> DocumentView::ToDocument() const { return doc::DecodeDocument(stored_); }

}  // namespace tessera
