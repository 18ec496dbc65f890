// Builds settings from defaults, a .env file, the environment and command-line flags.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "config/settings.hpp"

namespace vlserve::config {

using env_lookup = std::function<std::optional<std::string>(const std::string& name)>;

// The process environment.
env_lookup process_env();

// Precedence, lowest first: defaults, dotenv, environment, flags (keyed by variable name).
// Throws config_error for the first invalid value.
settings load_settings(const env_lookup& env, const std::map<std::string, std::string>& dotenv,
                       const std::map<std::string, std::string>& flags);

// Takes "--port 8080" / "--port=8080" style flags for known variables out of args; returns them
// keyed by variable name and leaves other arguments in args. Throws config_error for a flag
// without a value.
std::map<std::string, std::string> take_config_flags(std::vector<std::string>& args);

// "NAME=value" for every variable, secrets shown only as set/unset.
std::vector<std::string> describe(const settings& s);

}  // namespace vlserve::config
