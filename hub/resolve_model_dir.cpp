#include "hub/resolve_model_dir.hpp"

#include <filesystem>

#include "hub/cache_layout.hpp"
#include "hub/download_snapshot.hpp"
#include "hub/model_files.hpp"

namespace vlserve::hub {
namespace fs = std::filesystem;
namespace {

bool looks_like_path(const std::string& s) {
  return s.rfind("/", 0) == 0 || s.rfind("./", 0) == 0 || s.rfind("../", 0) == 0 || s.rfind("~", 0) == 0 ||
         s == "." || s == "..";
}

std::string local_directory(const std::string& dir) {
  const auto missing = missing_model_files(dir);
  if (!missing.empty())
    throw hub_error(hub_error_kind::invalid_model,
                    "the model directory " + dir + " lacks " + join_names(missing) +
                        ": copy the files there, or set MODEL_REPO_ID to a hub repo id");
  return dir;
}

}  // namespace

std::string resolve_model_dir(const hub_options& opts, const progress_callback& on_progress) {
  std::error_code ec;
  if (fs::is_directory(opts.repo_id, ec)) return local_directory(opts.repo_id);
  if (looks_like_path(opts.repo_id))
    throw hub_error(hub_error_kind::invalid_model,
                    "MODEL_REPO_ID " + opts.repo_id + " looks like a path but is not a directory");
  check_repo_id(opts.repo_id);
  check_relative_name("MODEL_REVISION", opts.revision);

  const cache_layout cache(opts.cache_dir, opts.repo_id);
  std::vector<std::string> missing{"everything"};
  if (const auto commit = cache.commit_for(opts.revision)) {
    const std::string dir = cache.snapshot_dir(*commit);
    missing = missing_model_files(dir);
    if (missing.empty()) return dir;
  }
  if (opts.offline)
    throw hub_error(hub_error_kind::offline,
                    "HF_HUB_OFFLINE is set but the cache " + opts.cache_dir + " does not hold " + opts.repo_id +
                        "@" + opts.revision + " (missing: " + join_names(missing) +
                        "). Unset HF_HUB_OFFLINE to download it, set HF_HUB_CACHE to the cache that has "
                        "it, or set MODEL_REPO_ID to a local model directory");
  if (opts.cache_dir.empty())
    throw hub_error(hub_error_kind::bad_request, "no cache directory: set HF_HUB_CACHE or HF_HOME");
  return download_snapshot(opts, cache, on_progress);
}

}  // namespace vlserve::hub
