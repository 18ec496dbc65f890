#pragma once

#include <stdexcept>
#include <string>

namespace vlserve::config {

// An invalid setting; what() is one line naming the variable, the value and what is accepted.
class config_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace vlserve::config
