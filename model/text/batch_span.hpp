// Where one sequence's tokens sit inside a packed step: rows [offset, offset + length) of the
// [N, hidden] matrix, appended to `cache` after its current length. Model-internal.
#pragma once

#include <cstdint>

namespace vlserve::model {

class kv_cache;

struct batch_span {
  kv_cache* cache = nullptr;
  int64_t offset = 0;
  int64_t length = 0;
};

}  // namespace vlserve::model
