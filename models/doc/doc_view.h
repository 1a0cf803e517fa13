// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// A stored document read lazily, for the read path: its top-level fields are located in the
// MessagePack bytes (no value decoded), a field is decoded only when a filter asks for it (and at
// most once), and the whole document is built only when a caller needs it. A collection scan
// matches its filter through this view, so a document that does not match is never built.
//
// Not thread-safe; the view points into the stored bytes given to Reset, which must outlive it
// (or the next Reset).
#pragma once

#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "models/doc/msgpack.h"
#include "query/filter.h"
#include "tessera/doc.h"

namespace tessera::doc {

class LazyDocument final : public query::FieldSource {
 public:
  LazyDocument() = default;
  LazyDocument(const LazyDocument&) = delete;
  LazyDocument& operator=(const LazyDocument&) = delete;

  // Points the view at a stored document (format byte and MessagePack, see doc_codec.h) and
  // locates its top-level fields. DataLossError when the bytes are malformed.
  absl::Status Reset(std::string_view stored);

  // query::FieldSource. A field whose value is malformed reads as absent and makes status() an
  // error (the caller checks status() after matching).
  const Json* Field(const std::string& name) override;
  const Json& Whole() override;

  // The top-level fields located by Reset (views into the stored bytes).
  const std::vector<MsgpackField>& fields() const { return fields_; }
  // The stored bytes given to Reset.
  std::string_view stored() const { return stored_; }

  // The first decoding error met by Field or Whole since Reset.
  const absl::Status& status() const { return status_; }

  // Decodes the whole document (or only the top-level fields in `only`) into *out.
  absl::Status Decode(Json* out, const FieldSet* only = nullptr) const;

 private:
  struct Slot {
    MsgpackField field;
    Json value;
  };
  std::string_view stored_;
  std::vector<MsgpackField> fields_;  // reused across documents
  std::vector<Slot> slots_;           // the fields decoded so far (few: those a filter names)
  Json whole_;
  bool whole_decoded_ = false;
  absl::Status status_;
};

// Fills a tessera::DocumentView (public, doc.h) over a stored document (format byte and
// MessagePack); `scratch` is reused across calls. DataLossError when the bytes are malformed.
struct DocumentViewAccess {
  static absl::Status Reset(DocumentView* view, std::string_view stored,
                            std::vector<MsgpackField>* scratch);
  // The buffer a view keeps its own stored bytes in (GetView): read into it, then Reset the view
  // over it.
  static std::string* Owned(DocumentView* view) { return &view->owned_; }
  // Empties the view (no fields, no stored bytes).
  static void Clear(DocumentView* view);
  // The same with the fields already located in `stored` (IndexMsgpackObject of its MessagePack).
  static void Set(DocumentView* view, std::string_view stored,
                  const std::vector<MsgpackField>& fields);
};

}  // namespace tessera::doc
