// The hook through which vision output enters the text decoder. Model-internal (ATen): the vision
// code builds it, actors/cli only pass the shared_ptr through engine.hpp's sequence_chunk.
#pragma once

#include <ATen/ATen.h>

#include <vector>

namespace vlserve::model {

// For a whole prompt. rows are absolute prompt indices (= KV cache positions), ascending; the
// engine applies to each chunk the rows inside it. E.g. image pads at prompt indices 120..135 and
// chunks of 64 tokens: the chunk of prompt tokens 64..127 uses entries 0..7 (its rows 56..63), the
// chunk 128..191 entries 8..15, so the same injection is passed with every prompt chunk.
struct visual_injection {
  std::vector<int64_t> rows;
  at::Tensor embeddings;              // [rows, hidden]: replaces the token embeddings at `rows`
  std::vector<at::Tensor> deepstack;  // deepstack[k]: [rows, hidden], added after decoder layer k
};

}  // namespace vlserve::model
