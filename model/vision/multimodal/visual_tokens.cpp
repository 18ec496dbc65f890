#include "model/vision/multimodal/visual_tokens.hpp"

#include <c10/core/InferenceMode.h>

#include <stdexcept>
#include <string>

#include "model/text/visual_injection.hpp"
#include "model/vision/tower/feature_cache.hpp"
#include "model/vision/tower/vision_features.hpp"

namespace vlserve::model::vision {
namespace {

int64_t rows_of(const vision_features& f) { return f.embeds.defined() ? f.embeds.size(0) : 0; }

// Image rows first, then video rows: the gather index below picks from this stack.
at::Tensor stacked(const vision_features& img, const vision_features& vid, int k) {
  auto pick = [k](const vision_features& f) { return k < 0 ? f.embeds : f.deepstack.at(size_t(k)); };
  if (!img.embeds.defined()) return pick(vid);
  if (!vid.embeds.defined()) return pick(img);
  return at::cat({pick(img), pick(vid)});
}

}  // namespace

std::shared_ptr<const visual_injection> encode_visual_tokens(const vision_tower& tower,
                                                            std::span<const int32_t> prompt_ids,
                                                            const media_batch& media,
                                                            const vision_token_ids& tokens,
                                                            feature_cache* cache) {
  c10::InferenceMode guard;
  auto encode = [&](const std::vector<float>& pixels, const std::vector<grid_thw>& grids) {
    if (!cache) return tower.encode(pixels, grids);
    const uint64_t key = feature_cache::key_of(pixels, grids);
    vision_features f;
    if (cache->find(key, f)) return f;
    f = tower.encode(pixels, grids);
    cache->insert(key, f);
    return f;
  };
  vision_features img, vid;
  if (!media.image_grids.empty()) img = encode(media.pixel_values, media.image_grids);
  if (!media.video_grids.empty()) vid = encode(media.pixel_values_videos, media.video_grids);

  auto out = std::make_shared<visual_injection>();
  std::vector<int64_t> gather;
  int64_t images = 0, videos = 0;
  const int64_t image_rows = rows_of(img);
  for (size_t i = 0; i < prompt_ids.size(); ++i) {
    if (prompt_ids[i] == tokens.image_pad) {
      gather.push_back(images++);
    } else if (prompt_ids[i] == tokens.video_pad) {
      gather.push_back(image_rows + videos++);
    } else {
      continue;
    }
    out->rows.push_back(int64_t(i));
  }
  if (images != image_rows || videos != rows_of(vid))
    throw std::invalid_argument("the prompt has " + std::to_string(images) + " image and " + std::to_string(videos) +
                                " video pad tokens but the vision tower produced " + std::to_string(image_rows) +
                                " and " + std::to_string(rows_of(vid)) + " rows");
  if (gather.empty()) return out;
  const at::Tensor index = at::tensor(gather, at::TensorOptions().dtype(at::kLong));
  auto take = [&](int k) {
    const at::Tensor all = stacked(img, vid, k);
    return all.index_select(0, index.to(all.device()));
  };
  out->embeddings = take(-1);
  const size_t taps = (img.embeds.defined() ? img : vid).deepstack.size();
  for (size_t k = 0; k < taps; ++k) out->deepstack.push_back(take(int(k)));
  return out;
}

}  // namespace vlserve::model::vision
