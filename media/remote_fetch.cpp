#include "media/remote_fetch.hpp"

#include <curl/curl.h>

#include <chrono>

#include "media/http_hop.hpp"
#include "media/media_source.hpp"
#include "media/remote_url.hpp"

namespace vlserve::media {
namespace {

using steady = std::chrono::steady_clock;

std::string timeout_message(const std::string& where, const media_policy& policy) {
  return "fetching " + where + " took longer than MEDIA_TIMEOUT_SECONDS=" +
         std::to_string(policy.timeout_seconds) + " s; use a faster host or send the bytes as a data: URL";
}

// Turns a failed or unusable hop into the message the client sees.
void throw_for(const hop_result& r, const std::string& where, const media_policy& policy) {
  const std::string cap = "MEDIA_MAX_BYTES=" + std::to_string(policy.max_bytes);
  if (!r.refused_address.empty() && r.status == 0)
    throw media_error(where + " resolves to " + r.refused_address +
                      ", which media URLs may not reach; use a public URL (or set MEDIA_ALLOW_PRIVATE=1 "
                      "on a trusted deployment)");
  if (r.over_declared)
    throw media_error(where + " announces " + std::to_string(r.declared_length) +
                      " bytes (Content-Length), more than " + cap + "; send a smaller item or raise MEDIA_MAX_BYTES");
  if (r.over_received)
    throw media_error(where + " sent more than " + cap + " bytes; send a smaller item or raise MEDIA_MAX_BYTES");
  if (r.curl_code == CURLE_OPERATION_TIMEDOUT) throw media_error(timeout_message(where, policy));
  if (r.curl_code == CURLE_COULDNT_RESOLVE_HOST)
    throw media_error("the host of " + where + " could not be resolved; check the URL");
  if (r.curl_code != CURLE_OK)
    throw media_error("fetching " + where + " failed: " + r.curl_error);
  if (r.status >= 400)
    throw media_error(where + " answered HTTP " + std::to_string(r.status) + "; check that the URL is public and current");
  if (r.status != 200)
    throw media_error(where + " answered HTTP " + std::to_string(r.status) + ", expected 200 with the file");
  if (r.body.empty()) throw media_error(where + " answered with an empty body");
}

}  // namespace

std::vector<uint8_t> fetch_remote(const std::string& url, const media_policy& policy) {
  if (!policy.allow_remote)
    throw media_error("http(s) media URLs are switched off on this server (MEDIA_ALLOW_REMOTE=0); "
                      "send the image/video inline as a data: URL");
  const auto deadline = steady::now() + std::chrono::seconds(policy.timeout_seconds);
  std::string current = url;
  for (int hop = 0;; ++hop) {
    const remote_url target = check_remote_url(current, hop == 0 ? "the media URL" : "the redirect target");
    const std::string where = (hop == 0 ? "the media URL " : "the redirect target ") + url_for_message(target.url);
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - steady::now()).count();
    if (left <= 0) throw media_error(timeout_message(where, policy));
    const hop_result r = http_hop(target.url, {policy.max_bytes, long(left), policy.allow_private});
    const bool redirect = r.curl_code == CURLE_OK && r.status >= 300 && r.status < 400;
    if (!redirect) {
      throw_for(r, where, policy);
      return r.body;
    }
    if (r.redirect_url.empty())
      throw media_error(where + " answered HTTP " + std::to_string(r.status) + " without a Location header");
    if (hop >= policy.max_redirects)
      throw media_error(where + " redirects again after " + std::to_string(hop) + " redirect(s); at most " +
                        std::to_string(policy.max_redirects) + " are followed; use the final URL");
    current = r.redirect_url;
  }
}

}  // namespace vlserve::media
