// Errors raised while reading checkpoints and model configuration files. what() names the file and,
// where there is one, the tensor or key, so a bad download can be found without a debugger.
#pragma once

#include <stdexcept>
#include <string>

namespace vlserve::model {

class checkpoint_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace vlserve::model
