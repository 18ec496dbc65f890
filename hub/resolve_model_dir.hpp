// The one entry point: turn MODEL_REPO_ID into a local directory that holds all the model files.
#pragma once

#include <string>

#include "hub/hub_error.hpp"
#include "hub/hub_options.hpp"

namespace vlserve::hub {

// In order: an existing local directory (used as is, checked for the files); the Hugging Face cache
// (snapshots/<commit of refs/<revision>>, no network); else a download from opts.endpoint into the
// cache (refused when opts.offline). Returns the directory; throws hub_error with a message that
// says what to do. on_progress may be empty.
std::string resolve_model_dir(const hub_options& opts, const progress_callback& on_progress = {});

}  // namespace vlserve::hub
