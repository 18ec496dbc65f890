// The table of configuration variables: name, default, meaning, and how each is parsed into settings.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "config/settings.hpp"

namespace vlserve::config {

struct variable {
  std::string name;         // environment name, e.g. "PORT"
  std::string help;         // one line for --help and .env.example
  bool secret = false;      // redacted in logs
  // Parses value into s; throws config_error with the accepted values on failure.
  std::function<void(const std::string& value, settings& s)> apply;
  // Current value as text (for logging, with secrets redacted by the caller).
  std::function<std::string(const settings& s)> show;
};

const std::vector<variable>& variables();

// "--model-repo-id" for "MODEL_REPO_ID".
std::string flag_name(const std::string& variable_name);

}  // namespace vlserve::config
