// Downloads a model's files from the hub into the cache, as huggingface_hub's snapshot_download
// would lay them out, and returns snapshots/<commit>.
#pragma once

#include <string>

#include "hub/cache_layout.hpp"
#include "hub/hub_options.hpp"

namespace vlserve::hub {

// Resolves opts.revision to a commit (the X-Repo-Commit of config.json), fetches every file the
// snapshot lacks at that commit, links it, and writes refs/<revision> last. Throws hub_error.
std::string download_snapshot(const hub_options& opts, const cache_layout& cache,
                              const progress_callback& on_progress);

}  // namespace vlserve::hub
