// The Hugging Face cache layout, shared with huggingface_hub so either tool reuses the other's files:
//   <cache>/models--Org--Name/blobs/<etag>            file contents, named by sha256 (LFS) or git sha1
//   <cache>/models--Org--Name/refs/<revision>         the commit hash the revision pointed to
//   <cache>/models--Org--Name/snapshots/<commit>/<f>  relative symlink to ../../blobs/<etag>
//   <cache>/models--Org--Name/.no_exist/<commit>/<f>  empty marker: the file is absent at that commit
//   <cache>/.locks/models--Org--Name/<etag>.lock      flock taken while a blob is being written
#pragma once

#include <optional>
#include <string>

namespace vlserve::hub {

class cache_layout {
 public:
  cache_layout(const std::string& cache_dir, const std::string& repo_id);

  std::string repo_dir() const { return repo_dir_; }
  std::string blob_path(const std::string& etag) const;
  std::string incomplete_path(const std::string& etag) const;  // the partial download, resumable
  std::string lock_path(const std::string& etag) const;
  std::string snapshot_dir(const std::string& commit) const;
  std::string snapshot_file(const std::string& commit, const std::string& filename) const;
  std::string no_exist_marker(const std::string& commit, const std::string& filename) const;

  // The commit a revision names: itself when it is a commit hash, else the content of refs/<revision>.
  std::optional<std::string> commit_for(const std::string& revision) const;
  // Atomic (temp file + rename) so a reader never sees half a hash.
  void write_ref(const std::string& revision, const std::string& commit) const;
  // snapshots/<commit>/<filename> -> ../../blobs/<etag> (one more ../ per folder in filename),
  // replacing an existing link atomically.
  void link_snapshot_file(const std::string& commit, const std::string& filename,
                          const std::string& etag) const;
  void mark_absent(const std::string& commit, const std::string& filename) const;

 private:
  std::string cache_dir_;
  std::string repo_dir_;
  std::string folder_name_;
};

// "models--Org--Name" for "Org/Name".
std::string repo_folder_name(const std::string& repo_id);
bool is_commit_hash(const std::string& revision);
// Throws hub_error(bad_request) unless repo_id is "name" or "org/name" of [A-Za-z0-9._-].
void check_repo_id(const std::string& repo_id);
// Throws hub_error(bad_request) for a path that could escape the cache ("..", absolute, empty parts).
void check_relative_name(const std::string& what, const std::string& name);

}  // namespace vlserve::hub
