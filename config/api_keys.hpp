// API keys from API_KEY (comma-separated) and API_KEY_FILE (one key per line).
#pragma once

#include <string>
#include <vector>

namespace vlserve::config {

inline constexpr size_t max_api_keys = 256;
inline constexpr size_t max_api_key_length = 512;

// "k1,k2" -> {"k1","k2"}; spaces around a key are dropped, empty items skipped. Throws
// config_error naming `name` when a key holds whitespace or control characters or is too long.
std::vector<std::string> parse_api_keys(const std::string& name, const std::string& value);

// The keys in the file at `path`: one per line, blank lines and lines starting with '#' skipped.
// Throws config_error when the file cannot be read, is over 1 MiB, or holds a bad key.
std::vector<std::string> read_api_key_file(const std::string& path);

}  // namespace vlserve::config
