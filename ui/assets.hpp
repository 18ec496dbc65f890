// The chat page's files, compiled into the binary by ui/embed_assets.py (no files at run time).
#pragma once

#include <span>
#include <string_view>

namespace vlserve::ui {

struct asset {
  std::string_view route;         // "/" for index.html, else "/<file name>"
  std::string_view content_type;  // with charset for text
  std::string_view etag;          // quoted, from a hash of the bytes
  std::string_view body;
};

// Every embedded file, in the order ui/meson.build lists them.
std::span<const asset> assets();

}  // namespace vlserve::ui
