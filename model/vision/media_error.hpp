// The one exception type of the vision preprocessing: the client's media was unusable (corrupt,
// truncated, unsupported, too large). The server maps it to HTTP 400 naming the content part.
#pragma once

#include <stdexcept>
#include <string>

namespace vlserve::model::vision {

class media_error : public std::runtime_error {
 public:
  explicit media_error(const std::string& what) : std::runtime_error(what) {}
};

}  // namespace vlserve::model::vision
