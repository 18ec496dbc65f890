#include "config/api_keys.hpp"

#include <fstream>
#include <sstream>

#include "config/config_error.hpp"

namespace vlserve::config {
namespace {

constexpr size_t kMaxFileBytes = 1u << 20;

std::string trim(const std::string& s) {
  const auto first = s.find_first_not_of(" \t\r");
  if (first == std::string::npos) return "";
  return s.substr(first, s.find_last_not_of(" \t\r") - first + 1);
}

// Keys go into an Authorization header: printable ASCII without spaces or commas.
void check_key(const std::string& where, const std::string& key) {
  if (key.size() > max_api_key_length)
    throw config_error(where + " holds a key of " + std::to_string(key.size()) + " characters; at most " +
                       std::to_string(max_api_key_length) + " are accepted");
  for (unsigned char c : key)
    if (c <= 0x20 || c >= 0x7f || c == ',')
      throw config_error(where + " holds a key with a space, comma or non-printable character; use printable "
                                 "ASCII without spaces");
}

void add_key(std::vector<std::string>& keys, const std::string& where, const std::string& key) {
  check_key(where, key);
  if (keys.size() >= max_api_keys)
    throw config_error(where + " holds more than " + std::to_string(max_api_keys) + " keys");
  keys.push_back(key);
}

}  // namespace

std::vector<std::string> parse_api_keys(const std::string& name, const std::string& value) {
  std::vector<std::string> keys;
  std::string item;
  std::istringstream in(value);
  // The value is never echoed in the message: it is a secret.
  while (std::getline(in, item, ','))
    if (auto key = trim(item); !key.empty()) add_key(keys, name, key);
  return keys;
}

std::vector<std::string> read_api_key_file(const std::string& path) {
  const std::string where = "API_KEY_FILE=" + path;
  std::ifstream file(path, std::ios::binary);
  if (!file) throw config_error(where + " is invalid: expected a readable file with one key per line");
  std::string text(kMaxFileBytes + 1, '\0');
  file.read(text.data(), std::streamsize(text.size()));
  text.resize(size_t(file.gcount()));
  if (text.size() > kMaxFileBytes) throw config_error(where + " is invalid: expected a file of at most 1 MiB");
  std::vector<std::string> keys;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    const auto key = trim(line);
    if (key.empty() || key[0] == '#') continue;
    add_key(keys, where, key);
  }
  if (keys.empty()) throw config_error(where + " is invalid: expected at least one key in the file");
  return keys;
}

}  // namespace vlserve::config
