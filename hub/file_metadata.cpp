#include "hub/file_metadata.hpp"

#include "hub/cache_layout.hpp"
#include "hub/curl_transfer.hpp"
#include "hub/hub_error.hpp"
#include "hub/hub_http_errors.hpp"
#include "hub/retry.hpp"

namespace vlserve::hub {
namespace {

constexpr int max_relative_redirects = 5;

// Percent-encodes everything but unreserved characters (and '/' when keep_slash).
std::string url_quote(const std::string& s, bool keep_slash) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~' || (keep_slash && c == '/')) {
      out += char(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

// "https://host:port" of the endpoint: a relative Location (a renamed repo) is resolved against it.
std::string origin_of(const std::string& url) {
  const auto scheme_end = url.find("://");
  if (scheme_end == std::string::npos) return url;
  return url.substr(0, url.find('/', scheme_end + 3));
}

uint64_t parse_size(const std::string& text, const std::string& filename) {
  if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos || text.size() > 19)
    throw hub_error(hub_error_kind::network,
                    "the hub gave no usable size for " + filename + " ('" + text + "')");
  return std::stoull(text);
}

// The etag and commit become file names in the cache, so they must not be able to name a path.
void check_cache_names(const file_metadata& meta, const std::string& endpoint) {
  bool ok = !meta.etag.empty() && meta.etag.size() <= 128 && meta.etag != "." && meta.etag != "..";
  for (char c : meta.etag)
    ok = ok && (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.');
  if (!ok || !is_commit_hash(meta.commit))
    throw hub_error(hub_error_kind::network,
                    "the answer for " + meta.filename + " from " + endpoint +
                        " has a malformed ETag or X-Repo-Commit: is HF_ENDPOINT a Hugging Face hub "
                        "(a proxy may strip or rewrite headers)?");
}

}  // namespace

std::string normalize_etag(const std::string& etag) {
  std::string e = etag;
  if (e.rfind("W/", 0) == 0) e = e.substr(2);
  if (e.size() >= 2 && e.front() == '"' && e.back() == '"') e = e.substr(1, e.size() - 2);
  return e;
}

std::string resolve_url(const hub_options& opts, const std::string& revision, const std::string& filename) {
  return opts.endpoint + "/" + opts.repo_id + "/resolve/" + url_quote(revision, false) + "/" +
         url_quote(filename, true);
}

std::vector<std::string> hub_headers(const hub_options& opts) {
  if (opts.token.empty()) return {};
  return {"Authorization: Bearer " + opts.token};
}

std::optional<file_metadata> fetch_file_metadata(const hub_options& opts, const std::string& revision,
                                                 const std::string& filename, bool optional) {
  http_request req{resolve_url(opts, revision, filename), hub_headers(opts), opts.connect_timeout_s,
                   opts.stall_timeout_s};
  http_reply reply;
  for (int hop = 0;; ++hop) {
    reply = with_retries(opts, [&] { return http_head(req); });
    const std::string location = reply.header("location");
    const bool relative_redirect = reply.status >= 300 && reply.status < 400 && location.rfind("/", 0) == 0;
    if (!relative_redirect || hop == max_relative_redirects) break;
    req.url = origin_of(opts.endpoint) + location;
  }
  if (reply.curl_code != 0 || reply.status >= 400 || reply.status == 0) {
    if (optional && reply.curl_code == 0 && is_missing_file(reply)) return std::nullopt;
    throw_for_reply(opts, reply, filename);
  }
  file_metadata meta;
  meta.filename = filename;
  meta.commit = reply.header("x-repo-commit");
  const std::string linked = reply.header("x-linked-etag");
  meta.is_lfs = !linked.empty();
  meta.etag = normalize_etag(linked.empty() ? reply.header("etag") : linked);
  const std::string size = reply.header("x-linked-size");
  meta.size = parse_size(size.empty() ? reply.header("content-length") : size, filename);
  const std::string location = reply.header("location");
  meta.download_url = reply.status >= 300 && reply.status < 400 && !location.empty() ? location : req.url;
  check_cache_names(meta, opts.endpoint);
  return meta;
}

}  // namespace vlserve::hub
