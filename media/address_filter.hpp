// Which network addresses a media fetch may connect to. Checked on the address libcurl is about to
// connect to (not the host name), so a name that resolves to an internal address is caught too.
#pragma once

#include <sys/socket.h>

#include <string>

namespace vlserve::media {

// Why the address may not be reached without MEDIA_ALLOW_PRIVATE ("loopback", "private",
// "link-local", ...), or empty when it is a public unicast address. Unknown families are refused.
std::string restricted_address_kind(const sockaddr* addr, socklen_t len);

// "10.0.0.1" or "::1" for messages; "?" when the family is not IPv4/IPv6.
std::string address_text(const sockaddr* addr, socklen_t len);

}  // namespace vlserve::media
