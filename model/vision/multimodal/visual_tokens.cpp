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
  // With a cache, each image (and each video) is encoded and cached on its own, so a later turn
  // that adds one more image encodes only that one. The tower attends within one item at a time
  // (per-item windows), so an item's rows do not depend on its neighbours in the call.
  auto encode = [&](const std::vector<float>& pixels, const std::vector<grid_thw>& grids) {
    if (!cache) return tower.encode(pixels, grids);
    int64_t total = 0;
    for (const auto& g : grids) total += g.patches();
    if (total <= 0 || pixels.size() % size_t(total) != 0)
      throw std::invalid_argument("pixel values do not divide into the grids' patches");
    const size_t per_patch = pixels.size() / size_t(total);
    std::vector<vision_features> parts;
    size_t offset = 0;
    for (const auto& g : grids) {
      const size_t n = size_t(g.patches()) * per_patch;
      const std::vector<float> item(pixels.begin() + long(offset), pixels.begin() + long(offset + n));
      offset += n;
      const std::vector<grid_thw> one = {g};
      const uint64_t key = feature_cache::key_of(item, one);
      vision_features f;
      if (!cache->find(key, f)) {
        f = tower.encode(item, one);
        cache->insert(key, f);
      }
      parts.push_back(std::move(f));
    }
    if (parts.size() == 1) return parts.front();
    vision_features all;
    std::vector<at::Tensor> embeds;
    for (const auto& p : parts) embeds.push_back(p.embeds);
    all.embeds = at::cat(embeds);
    for (size_t k = 0; k < parts.front().deepstack.size(); ++k) {
      std::vector<at::Tensor> tap;
      for (const auto& p : parts) tap.push_back(p.deepstack.at(k));
      all.deepstack.push_back(at::cat(tap));
    }
    return all;
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
