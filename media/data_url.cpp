#include "media/data_url.hpp"

#include <cctype>
#include <string_view>

#include "media/base64.hpp"
#include "media/media_source.hpp"

namespace vlserve::media {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = char(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// "image/png" -> true; a type must be image/* or video/* with a non-empty token subtype.
bool accepted_type(const std::string& type) {
  const auto slash = type.find('/');
  if (slash == std::string::npos || slash + 1 == type.size()) return false;
  const auto top = type.substr(0, slash);
  if (top != "image" && top != "video") return false;
  for (char c : type.substr(slash + 1))
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '+' || c == '-' || c == '_')) return false;
  return true;
}

constexpr std::string_view usage = "use data:image/<type>;base64,<data> or data:video/<type>;base64,<data>";

}  // namespace

std::vector<uint8_t> decode_data_url(const std::string& url, int64_t max_bytes) {
  if (lower(std::string_view(url).substr(0, 5)) != "data:")
    throw media_error("not a data: URL; " + std::string(usage));
  const auto comma = url.find(',');
  // The header is short; bounding the search keeps a huge URL without a comma from being echoed.
  if (comma == std::string::npos || comma > 256)
    throw media_error("the data: URL has no ',' after its media type; " + std::string(usage));
  const std::string header = lower(std::string_view(url).substr(5, comma - 5));
  const auto semi = header.find(';');
  const std::string type = header.substr(0, semi);
  const std::string params = semi == std::string::npos ? std::string() : header.substr(semi);
  if (params.size() < 7 || params.compare(params.size() - 7, 7, ";base64") != 0)
    throw media_error("the data: URL is not base64-encoded (its header must end in ';base64'); " +
                      std::string(usage));
  if (!accepted_type(type))
    throw media_error("the data: URL has media type '" + type + "', expected image/* or video/*; " +
                      std::string(usage));
  auto bytes = decode_base64(std::string_view(url).substr(comma + 1), max_bytes);
  if (bytes.empty()) throw media_error("the data: URL is empty (no bytes after ';base64,')");
  return bytes;
}

}  // namespace vlserve::media
