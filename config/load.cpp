#include "config/load.hpp"

#include <cstdlib>

#include "config/config_error.hpp"
#include "config/variables.hpp"

namespace vlserve::config {

env_lookup process_env() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* v = std::getenv(name.c_str());
    if (v == nullptr) return std::nullopt;
    return std::string(v);
  };
}

settings load_settings(const env_lookup& env, const std::map<std::string, std::string>& dotenv,
                       const std::map<std::string, std::string>& flags) {
  settings s;
  for (const auto& var : variables()) {
    std::optional<std::string> value;
    if (auto it = dotenv.find(var.name); it != dotenv.end()) value = it->second;
    if (auto v = env(var.name)) value = *v;
    if (auto it = flags.find(var.name); it != flags.end()) value = it->second;
    if (value) var.apply(*value, s);
  }
  return s;
}

std::map<std::string, std::string> take_config_flags(std::vector<std::string>& args) {
  std::map<std::string, std::string> flags;
  std::vector<std::string> rest;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    const variable* match = nullptr;
    std::optional<std::string> value;
    for (const auto& var : variables()) {
      const std::string flag = flag_name(var.name);
      if (arg == flag) {
        match = &var;
        if (i + 1 >= args.size()) throw config_error(flag + " needs a value");
        value = args[++i];
      } else if (arg.rfind(flag + "=", 0) == 0) {
        match = &var;
        value = arg.substr(flag.size() + 1);
      }
      if (match) break;
    }
    if (match) {
      flags[match->name] = *value;
    } else {
      rest.push_back(arg);
    }
  }
  args = std::move(rest);
  return flags;
}

std::vector<std::string> describe(const settings& s) {
  std::vector<std::string> out;
  for (const auto& var : variables()) {
    std::string shown = var.show(s);
    if (var.secret) shown = shown.empty() ? "<unset>" : "<redacted>";
    out.push_back(var.name + "=" + shown);
  }
  return out;
}

}  // namespace vlserve::config
