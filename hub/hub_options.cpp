#include "hub/hub_options.hpp"

#include <cstdlib>
#include <fstream>
#include <string>

#include "config/logging.hpp"
#include "config/settings.hpp"

namespace vlserve::hub {
namespace {

std::string env_or_empty(const char* name) {
  const char* v = std::getenv(name);
  return v ? std::string(v) : std::string();
}

// huggingface_hub accepts these spellings for its boolean variables.
bool truthy(std::string v) {
  for (auto& c : v) c = char(std::tolower(static_cast<unsigned char>(c)));
  return v == "1" || v == "true" || v == "yes" || v == "on";
}

std::string hf_home() {
  const std::string home = env_or_empty("HF_HOME");
  if (!home.empty()) return home;
  const std::string xdg = env_or_empty("XDG_CACHE_HOME");
  if (!xdg.empty()) return xdg + "/huggingface";
  return env_or_empty("HOME") + "/.cache/huggingface";
}

std::string trim(std::string s) {
  const auto first = s.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return {};
  return s.substr(first, s.find_last_not_of(" \t\r\n") - first + 1);
}

// The file `huggingface-cli login` writes; read so a logged-in user needs no HF_TOKEN.
std::string stored_token() {
  std::string path = env_or_empty("HF_TOKEN_PATH");
  if (path.empty()) path = hf_home() + "/token";
  std::ifstream f(path);
  std::string line;
  if (!f || !std::getline(f, line)) return {};
  auto token = trim(line.substr(0, 4096));
  // HF_TOKEN is scrubbed from the log at start-up; a token from the file must be too.
  config::add_log_secret(token);
  return token;
}

}  // namespace

std::string default_cache_dir() {
  const std::string cache = env_or_empty("HF_HUB_CACHE");
  if (!cache.empty()) return cache;
  return hf_home() + "/hub";
}

hub_options hub_options_from_env(const config::settings& s) {
  hub_options o;
  o.repo_id = s.model_repo_id;
  o.revision = s.model_revision.empty() ? "main" : s.model_revision;
  o.token = s.hf_token.empty() ? stored_token() : s.hf_token;
  const std::string endpoint = env_or_empty("HF_ENDPOINT");
  if (!endpoint.empty()) o.endpoint = endpoint;
  while (o.endpoint.size() > 1 && o.endpoint.back() == '/') o.endpoint.pop_back();
  o.cache_dir = default_cache_dir();
  o.offline = truthy(env_or_empty("HF_HUB_OFFLINE"));
  return o;
}

}  // namespace vlserve::hub
