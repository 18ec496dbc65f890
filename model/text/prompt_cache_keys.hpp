// The prefix cache's key for every prompt row (torch-free header). Text rows are keyed by their
// token id. Vision rows all hold the same pad token, so they are keyed by a hash of their run's
// content instead — the vision features of the run (a function of the decoded pixels) and its
// M-RoPE positions (the grid) — plus the row's offset in the run: two images match only if they
// are the same image at the same place.
#pragma once

#include <cstdint>
#include <vector>

namespace vlserve::model {

struct visual_injection;

// positions: 3 x T (t, h, w rows) or empty for text-only prompts; visual may be null.
std::vector<uint64_t> prompt_cache_keys(const std::vector<int32_t>& prompt_ids,
                                        const std::vector<int64_t>& positions,
                                        const visual_injection* visual);

// The largest n <= limit such that a reused prefix of n rows does not end inside a run of vision
// rows (a cached half image is never reused; the run is then read again from its start).
int64_t reusable_prefix(int64_t limit, const visual_injection* visual);

}  // namespace vlserve::model
