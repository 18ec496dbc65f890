// What the hub says about one file (a HEAD of {endpoint}/{repo}/resolve/{revision}/{file}):
// the commit the revision points to, the blob name (etag) and the size, and where to GET it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "hub/hub_options.hpp"

namespace vlserve::hub {

struct file_metadata {
  std::string filename;
  std::string commit;        // X-Repo-Commit
  std::string etag;          // X-Linked-Etag (sha256, LFS files) or ETag (git sha1), unquoted
  uint64_t size = 0;         // X-Linked-Size or Content-Length
  std::string download_url;  // the 302's Location for LFS files, else the resolve URL
  bool is_lfs = false;
};

std::string resolve_url(const hub_options& opts, const std::string& revision, const std::string& filename);
// The request headers for the hub: Authorization when a token is set.
std::vector<std::string> hub_headers(const hub_options& opts);

// Throws hub_error on failure; returns nullopt only when the file does not exist and `optional`.
std::optional<file_metadata> fetch_file_metadata(const hub_options& opts, const std::string& revision,
                                                 const std::string& filename, bool optional);

// W/"abc" and "abc" -> abc
std::string normalize_etag(const std::string& etag);

}  // namespace vlserve::hub
