// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// Fuzz target: the order-preserving tuple key codec (core/codec/key_codec.h). Decoding arbitrary
// bytes must fail cleanly or yield a tuple that encodes back to bytes decoding to an equal tuple
// and comparing equal.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "core/codec/key_codec.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace tessera::codec;
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  Tuple t;
  if (!DecodeTuple(in, &t).ok()) return 0;
  const std::string again = EncodeTuple(t);
  Tuple t2;
  if (!DecodeTuple(again, &t2).ok()) std::abort();  // our own encoding must decode
  if (CompareTuples(t, t2) != 0) std::abort();
  if (EncodeTuple(t2) != again) std::abort();  // encoding is canonical after one round
  (void)DebugString(t);
  // Element by element from the front, as index readers do.
  std::string_view rest = in;
  Element e;
  while (!rest.empty() && DecodeElement(&rest, &e).ok()) {
  }
  return 0;
}
