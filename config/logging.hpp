// spdlog set-up: text or JSON lines on stderr, with every known secret scrubbed from each message.
#pragma once

#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "config/settings.hpp"

namespace vlserve::config {

// Installs the default logger writing to `out` (stderr when null) with s.log_level / s.log_fmt.
// Every non-empty secret (HF_TOKEN and the like) is replaced by "<redacted>" in every message,
// so a secret cannot reach the log even if code formats it by mistake.
void setup_logging(const settings& s, std::ostream* out = nullptr);

// Adds a value to scrub from every later log message (e.g. a token read from a file).
void add_log_secret(const std::string& secret);

// The secrets of s (non-empty values of variables marked secret).
std::vector<std::string> secrets_of(const settings& s);

// Replaces every occurrence of each secret in text by "<redacted>".
std::string scrub(std::string text, const std::vector<std::string>& secrets);

// Escapes text as the inside of a JSON string.
std::string json_escape(const std::string& text);

}  // namespace vlserve::config
