#include "hub/download_snapshot.hpp"

#include <sys/statvfs.h>
#include <sys/stat.h>

#include <filesystem>
#include <optional>
#include <vector>

#include "hub/blob_store.hpp"
#include "hub/file_metadata.hpp"
#include "hub/hub_error.hpp"
#include "hub/model_files.hpp"
#include "hub/parallel_for.hpp"
#include "hub/progress_meter.hpp"

namespace vlserve::hub {
namespace fs = std::filesystem;
namespace {

struct wanted_file {
  std::string name;
  bool optional = false;
};

// HEADs the files in parallel at the pinned commit; absent optional files come back empty.
std::vector<std::optional<file_metadata>> fetch_all_metadata(const hub_options& opts, const std::string& commit,
                                                             const std::vector<wanted_file>& files) {
  std::vector<std::optional<file_metadata>> metas(files.size());
  parallel_for(files.size(), opts.max_parallel, [&](size_t i, const std::atomic<bool>&) {
    metas[i] = fetch_file_metadata(opts, commit, files[i].name, files[i].optional);
  });
  return metas;
}

uint64_t file_size_or_zero(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 ? uint64_t(st.st_size) : 0;
}

// Fails before the first byte when the blobs cannot fit, instead of filling the disk.
void check_free_space(const hub_options& opts, const cache_layout& cache, uint64_t needed) {
  struct statvfs vfs {};
  const std::string blobs = cache.repo_dir() + "/blobs";
  std::error_code ec;
  fs::create_directories(blobs, ec);
  if (::statvfs(blobs.c_str(), &vfs) != 0) return;
  const uint64_t free_bytes = uint64_t(vfs.f_bavail) * uint64_t(vfs.f_frsize);
  if (free_bytes >= needed) return;
  const auto mib = [](uint64_t b) { return std::to_string(b >> 20) + " MiB"; };
  throw hub_error(hub_error_kind::disk_full,
                  "disk full: " + opts.repo_id + " needs " + mib(needed) + " more in " + opts.cache_dir +
                      " but only " + mib(free_bytes) + " are free; free some space or point HF_HUB_CACHE "
                      "at a larger disk");
}

// Downloads the blobs that are not in the cache yet, then links every file into the snapshot.
void fetch_into_snapshot(const hub_options& opts, const cache_layout& cache,
                         const std::vector<file_metadata>& files, const progress_callback& on_progress) {
  std::vector<const file_metadata*> to_fetch;
  uint64_t bytes_total = 0, bytes_needed = 0;
  for (const auto& meta : files) {
    std::error_code ec;
    if (fs::exists(cache.blob_path(meta.etag), ec)) continue;
    to_fetch.push_back(&meta);
    bytes_total += meta.size;
    const uint64_t partial = file_size_or_zero(cache.incomplete_path(meta.etag));
    bytes_needed += meta.size > partial ? meta.size - partial : 0;
  }
  check_free_space(opts, cache, bytes_needed);
  progress_meter meter(on_progress, int(to_fetch.size()), bytes_total);
  parallel_for(to_fetch.size(), opts.max_parallel, [&](size_t i, const std::atomic<bool>& cancel) {
    fetch_blob(opts, cache, *to_fetch[i], meter, cancel);
  });
  for (const auto& meta : files) cache.link_snapshot_file(meta.commit, meta.filename, meta.etag);
  meter.finish();
}

}  // namespace

std::string download_snapshot(const hub_options& opts, const cache_layout& cache,
                              const progress_callback& on_progress) {
  // config.json alone first: it pins the commit and surfaces 401/404 once, not from four threads.
  const file_metadata config = *fetch_file_metadata(opts, opts.revision, "config.json", false);
  const std::string commit = config.commit;

  std::vector<wanted_file> wanted;
  for (const auto& f : required_files())
    if (f != "config.json") wanted.push_back({f, false});
  for (const auto& f : optional_files()) wanted.push_back({f, true});
  wanted.push_back({single_weights_file, true});
  auto metas = fetch_all_metadata(opts, commit, wanted);

  std::vector<file_metadata> files{config};
  for (size_t i = 0; i < wanted.size(); ++i) {
    if (metas[i])
      files.push_back(*metas[i]);
    else if (wanted[i].name != single_weights_file)
      cache.mark_absent(commit, wanted[i].name);
  }
  if (!metas.back()) {
    // Sharded weights: the index names the shards, so it is fetched before them.
    const auto index = fetch_file_metadata(opts, commit, weights_index_file, true);
    if (!index)
      throw hub_error(hub_error_kind::invalid_model,
                      opts.repo_id + "@" + opts.revision + " has neither " + single_weights_file + " nor " +
                          weights_index_file + ": MODEL_REPO_ID must name a safetensors model");
    fetch_into_snapshot(opts, cache, {*index}, nullptr);
    std::vector<wanted_file> shards;
    for (const auto& name : shard_names(cache.blob_path(index->etag))) shards.push_back({name, false});
    for (auto& meta : fetch_all_metadata(opts, commit, shards)) files.push_back(*meta);
    files.push_back(*index);
  }
  fetch_into_snapshot(opts, cache, files, on_progress);
  cache.write_ref(opts.revision, commit);
  return cache.snapshot_dir(commit);
}

}  // namespace vlserve::hub
