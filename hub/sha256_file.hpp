// The sha256 the hub names LFS blobs by (X-Linked-Etag), computed over a file with libcrypto.
#pragma once

#include <string>

namespace vlserve::hub {

// Lower-case hex sha256 of a file's content; throws hub_error when it cannot be read.
std::string sha256_of_file(const std::string& path);
// An LFS etag: 64 lower-case hex digits. Git sha1 etags (40 digits) are not checked by content.
bool is_sha256_etag(const std::string& etag);

}  // namespace vlserve::hub
