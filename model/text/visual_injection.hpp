// The hook through which vision output enters the text decoder. Model-internal (ATen): the vision
// code builds it, actors/cli only pass the shared_ptr through engine.hpp's sequence_chunk.
#pragma once

#include <ATen/ATen.h>

#include <vector>

namespace vlserve::model {

// For one chunk of one sequence. rows are indices within the chunk's tokens (0-based), e.g. a
// chunk of prompt tokens 100..163 holding image pads at prompt indices 120..135 has rows 20..35.
struct visual_injection {
  std::vector<int64_t> rows;
  at::Tensor embeddings;              // [rows, hidden]: replaces the token embeddings at `rows`
  std::vector<at::Tensor> deepstack;  // deepstack[k]: [rows, hidden], added after decoder layer k
};

}  // namespace vlserve::model
