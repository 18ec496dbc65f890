#include "hub/blob_store.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <filesystem>

#include "hub/curl_transfer.hpp"
#include "hub/file_lock.hpp"
#include "hub/hub_error.hpp"
#include "hub/hub_http_errors.hpp"
#include "hub/retry.hpp"
#include "hub/sha256_file.hpp"

namespace vlserve::hub {
namespace fs = std::filesystem;
namespace {

struct fd_guard {
  int fd;
  ~fd_guard() {
    if (fd >= 0) ::close(fd);
  }
};

uint64_t fd_size(int fd) {
  struct stat st {};
  return ::fstat(fd, &st) == 0 ? uint64_t(st.st_size) : 0;
}

std::string origin_of(const std::string& url) {
  const auto scheme_end = url.find("://");
  return scheme_end == std::string::npos ? url : url.substr(0, url.find('/', scheme_end + 3));
}

// The token goes to the hub only; a CDN URL from a redirect is already signed.
std::vector<std::string> headers_for(const hub_options& opts, const std::string& url) {
  return origin_of(url) == origin_of(opts.endpoint) ? hub_headers(opts) : std::vector<std::string>{};
}

// Checks size and, for LFS blobs, sha256; deletes the partial file on a mismatch.
void verify(const hub_options& opts, const file_metadata& meta, const std::string& partial, int fd) {
  std::string problem;
  const uint64_t size = fd_size(fd);
  if (size != meta.size) {
    problem = "has " + std::to_string(size) + " bytes, the hub announced " + std::to_string(meta.size);
  } else if (is_sha256_etag(meta.etag)) {
    const std::string actual = sha256_of_file(partial);
    if (actual != meta.etag) problem = "has sha256 " + actual + ", the hub announced " + meta.etag;
  }
  if (problem.empty()) return;
  std::remove(partial.c_str());
  throw hub_error(hub_error_kind::checksum_mismatch,
                  "checksum mismatch: the download of " + meta.filename + " from " + opts.repo_id + " " +
                      problem + ". The partial file was deleted; retry, and if it fails again check " +
                      "HF_ENDPOINT or any proxy in between");
}

}  // namespace

void fetch_blob(const hub_options& opts, const cache_layout& cache, const file_metadata& meta,
                progress_meter& meter, const std::atomic<bool>& cancel) {
  const std::string blob = cache.blob_path(meta.etag);
  std::error_code ec;
  fs::create_directories(fs::path(blob).parent_path(), ec);
  if (ec)
    throw hub_error(hub_error_kind::cache_not_writable,
                    "cannot create " + fs::path(blob).parent_path().string() + ": " + ec.message() +
                        "; check that HF_HUB_CACHE is writable");
  file_lock lock(cache.lock_path(meta.etag), opts.lock_timeout_s);
  if (fs::exists(blob, ec)) {  // another process finished it while we waited for the lock
    meter.add_existing(meta.filename, int64_t(meta.size));
    meter.file_done(meta.filename);
    return;
  }
  const std::string partial = cache.incomplete_path(meta.etag);
  fd_guard file{::open(partial.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644)};
  if (file.fd < 0)
    throw hub_error(errno == ENOSPC ? hub_error_kind::disk_full : hub_error_kind::cache_not_writable,
                    "cannot create " + partial + ": check that HF_HUB_CACHE is writable and has space");
  if (fd_size(file.fd) > meta.size && ::ftruncate(file.fd, 0) != 0)
    throw hub_error(hub_error_kind::cache_not_writable, "cannot truncate " + partial);
  meter.add_existing(meta.filename, int64_t(fd_size(file.fd)));

  const http_request req{meta.download_url, headers_for(opts, meta.download_url), opts.connect_timeout_s,
                         opts.stall_timeout_s};
  const auto on_bytes = [&](int64_t n) { meter.add_transferred(meta.filename, n); };
  const http_reply reply = with_retries(opts, [&] {
    const uint64_t offset = fd_size(file.fd);  // resumes after a cut: the bytes so far stay
    if (offset == meta.size && offset > 0) {
      http_reply done;
      done.status = 206;
      return done;
    }
    return http_get_to_fd(req, file.fd, offset, on_bytes, &cancel);
  });
  if (reply.cancelled) throw hub_error(hub_error_kind::network, "download of " + meta.filename + " cancelled");
  if (reply.curl_code != 0 || reply.status >= 400 || reply.status == 0)
    throw_for_reply(opts, reply, meta.filename);
  verify(opts, meta, partial, file.fd);
  if (::rename(partial.c_str(), blob.c_str()) != 0)
    throw hub_error(hub_error_kind::cache_not_writable, "cannot rename " + partial + " to " + blob);
  meter.file_done(meta.filename);
}

}  // namespace vlserve::hub
