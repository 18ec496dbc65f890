// Writing one blob into the cache: a lock so one process writes it, a resumable .incomplete file,
// and a check of size and sha256 before the blob gets its final name.
#pragma once

#include <atomic>

#include "hub/cache_layout.hpp"
#include "hub/file_metadata.hpp"
#include "hub/hub_options.hpp"
#include "hub/progress_meter.hpp"

namespace vlserve::hub {

// Makes blobs/<meta.etag> hold the file. Returns at once when the blob is already there (perhaps
// written meanwhile by another process). Throws hub_error; a failed checksum deletes the partial file.
void fetch_blob(const hub_options& opts, const cache_layout& cache, const file_metadata& meta,
                progress_meter& meter, const std::atomic<bool>& cancel);

}  // namespace vlserve::hub
