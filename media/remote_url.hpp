// The checks an http(s) media URL (and every redirect target) must pass before it is requested.
#pragma once

#include <string>

namespace vlserve::media {

struct remote_url {
  std::string url;   // as libcurl normalised it
  std::string host;  // for messages
};

// Parses url with libcurl's URL parser; throws media_error unless the scheme is http or https, a
// host is present, and the URL carries no user name or password (they would be sent along).
// `what` names the URL in messages ("the image URL", "the redirect target").
remote_url check_remote_url(const std::string& url, const std::string& what);

// At most 200 characters of url, without the query (it may hold signed tokens), for messages.
std::string url_for_message(const std::string& url);

}  // namespace vlserve::media
