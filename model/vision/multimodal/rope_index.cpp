#include "model/vision/multimodal/rope_index.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace vlserve::model::vision {
namespace {

// A video is one block per temporal group, each (1, h, w).
std::vector<grid_thw> video_groups(const std::vector<grid_thw>& videos) {
  std::vector<grid_thw> out;
  for (const auto& g : videos)
    for (int64_t a = 0; a < g.t; ++a) out.push_back({1, g.h, g.w});
  return out;
}

}  // namespace

mrope_positions rope_index(std::span<const int32_t> ids, const std::vector<grid_thw>& image_grids,
                           const std::vector<grid_thw>& video_grids, int64_t merge,
                           const vision_token_ids& tokens) {
  const int64_t n = int64_t(ids.size());
  const std::vector<grid_thw>& images = image_grids;
  const std::vector<grid_thw> videos = video_groups(video_grids);
  size_t next_image = 0, next_video = 0;

  mrope_positions out;
  std::vector<int64_t> t(ids.size()), h(ids.size()), w(ids.size());
  int64_t next = 0;  // position of the next text token
  int64_t k = 0;
  while (k < n) {
    const int64_t id = ids[size_t(k)];
    if (id != tokens.image_pad && id != tokens.video_pad) {
      t[size_t(k)] = h[size_t(k)] = w[size_t(k)] = next++;
      ++k;
      continue;
    }
    const bool is_image = id == tokens.image_pad;
    auto& list = is_image ? images : videos;
    auto& used = is_image ? next_image : next_video;
    const char* kind = is_image ? "image" : "video frame group";
    if (used >= list.size())
      throw std::invalid_argument("the prompt has more " + std::string(kind) + " blocks than media items");
    if (k == 0 || ids[size_t(k - 1)] != tokens.vision_start)
      throw std::invalid_argument("a vision pad token at prompt index " + std::to_string(k) +
                                  " does not follow <|vision_start|>");
    const grid_thw g = list[used++];
    if (g.h % merge != 0 || g.w % merge != 0 || g.t < 1)
      throw std::invalid_argument("vision grid sides must be multiples of the merge size");
    const int64_t gh = g.h / merge, gw = g.w / merge, count = g.t * gh * gw;
    if (k + count > n || std::any_of(ids.begin() + k, ids.begin() + k + count, [&](int32_t x) { return x != id; }))
      throw std::invalid_argument("the " + std::string(kind) + " block at prompt index " + std::to_string(k) +
                                  " does not hold the " + std::to_string(count) + " pad tokens of its grid");
    const int64_t base = next;
    for (int64_t a = 0; a < g.t; ++a)
      for (int64_t r = 0; r < gh; ++r)
        for (int64_t c = 0; c < gw; ++c, ++k) {
          t[size_t(k)] = base + a;
          h[size_t(k)] = base + r;
          w[size_t(k)] = base + c;
        }
    next = base + std::max({g.t - 1, gh - 1, gw - 1}) + 1;
    if (k < n && ids[size_t(k)] == id)
      throw std::invalid_argument("the " + std::string(kind) + " block ending at prompt index " + std::to_string(k) +
                                  " has more pad tokens than its grid");
  }
  if (next_image != images.size() || next_video != videos.size())
    throw std::invalid_argument("the prompt has fewer vision blocks than media items (" +
                                std::to_string(next_image + next_video) + " of " +
                                std::to_string(images.size() + videos.size()) + ")");
  out.positions.reserve(size_t(3 * n));
  for (const auto* row : {&t, &h, &w}) out.positions.insert(out.positions.end(), row->begin(), row->end());
  out.rope_delta = next - n;
  return out;
}

}  // namespace vlserve::model::vision
