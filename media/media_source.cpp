#include "media/media_source.hpp"

#include <cctype>

#include "media/data_url.hpp"
#include "media/file_url.hpp"
#include "media/remote_fetch.hpp"

namespace vlserve::media {
namespace {

bool has_scheme(const std::string& url, const std::string& scheme) {
  if (url.size() < scheme.size()) return false;
  for (size_t i = 0; i < scheme.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(url[i])) != scheme[i]) return false;
  return true;
}

}  // namespace

std::vector<uint8_t> load_media(const std::string& url, const media_policy& policy) {
  if (url.empty()) throw media_error("the media URL is empty; send a data:, http(s) or file:// URL");
  if (has_scheme(url, "data:")) return decode_data_url(url, policy.max_bytes);
  if (has_scheme(url, "http://") || has_scheme(url, "https://")) return fetch_remote(url, policy);
  if (has_scheme(url, "file://")) return read_file_url("file://" + url.substr(7), policy);
  const auto colon = url.find(':');
  const std::string scheme = colon != std::string::npos && colon <= 16 ? url.substr(0, colon) : std::string();
  throw media_error((scheme.empty() ? std::string("the media URL has no scheme")
                                    : "the media URL scheme '" + scheme + "' is not supported") +
                    "; send a data:image/...;base64,... URL, an http(s) URL or a file:// URL below MEDIA_ROOT");
}

}  // namespace vlserve::media
