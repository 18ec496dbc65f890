#include "media/remote_url.hpp"

#include <curl/curl.h>

#include <memory>

#include "media/media_source.hpp"

namespace vlserve::media {
namespace {

constexpr size_t max_url_length = 8192;

struct url_deleter {
  void operator()(CURLU* u) const { curl_url_cleanup(u); }
};

// The part's text, or empty when the URL has none.
std::string part(CURLU* u, CURLUPart which) {
  char* text = nullptr;
  if (curl_url_get(u, which, &text, 0) != CURLUE_OK || !text) return {};
  std::string out(text);
  curl_free(text);
  return out;
}

}  // namespace

std::string url_for_message(const std::string& url) {
  std::string out = url.substr(0, url.find_first_of("?#"));
  if (out.size() > 200) out = out.substr(0, 200) + "...";
  return out;
}

remote_url check_remote_url(const std::string& url, const std::string& what) {
  if (url.size() > max_url_length)
    throw media_error(what + " is longer than " + std::to_string(max_url_length) + " characters");
  std::unique_ptr<CURLU, url_deleter> u(curl_url());
  if (!u) throw media_error("out of memory while parsing " + what);
  const CURLUcode rc = curl_url_set(u.get(), CURLUPART_URL, url.c_str(), 0);
  if (rc != CURLUE_OK)
    throw media_error(what + " is not a valid URL (" + curl_url_strerror(rc) + "): " + url_for_message(url));
  const std::string scheme = part(u.get(), CURLUPART_SCHEME);
  if (scheme != "http" && scheme != "https")
    throw media_error(what + " uses the scheme '" + scheme + "'; only http and https may be fetched: " +
                      url_for_message(url));
  if (!part(u.get(), CURLUPART_USER).empty() || !part(u.get(), CURLUPART_PASSWORD).empty())
    throw media_error(what + " carries a user name or password; media URLs may not hold credentials "
                      "(use a pre-signed URL or send the bytes as a data: URL)");
  remote_url out{part(u.get(), CURLUPART_URL), part(u.get(), CURLUPART_HOST)};
  if (out.host.empty()) throw media_error(what + " has no host: " + url_for_message(url));
  return out;
}

}  // namespace vlserve::media
