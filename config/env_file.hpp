// Reads KEY=VALUE lines of a dotenv file.
#pragma once

#include <map>
#include <string>

namespace vlserve::config {

// Parses dotenv text: blank lines and '#' comments skipped, optional "export ", values
// optionally in single or double quotes. Throws config_error naming the line on bad syntax.
std::map<std::string, std::string> parse_env_text(const std::string& text);

// Returns an empty map when the file does not exist.
std::map<std::string, std::string> read_env_file(const std::string& path);

}  // namespace vlserve::config
