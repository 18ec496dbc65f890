#include "model/vision/multimodal/request_media.hpp"

#include "media/media_source.hpp"
#include "model/vision/image_processor.hpp"
#include "model/vision/media_error.hpp"
#include "model/vision/video_processor.hpp"

namespace vlserve::model::vision {
namespace {

struct part_ref {
  const content_part* part;
  std::string param;  // messages[i].content[j].image_url
};

std::vector<part_ref> media_parts(const chat_request& request) {
  std::vector<part_ref> out;
  for (size_t i = 0; i < request.messages.size(); ++i) {
    const auto* parts = std::get_if<std::vector<content_part>>(&request.messages[i].content);
    if (!parts) continue;
    for (size_t j = 0; j < parts->size(); ++j) {
      const content_part& p = (*parts)[j];
      if (p.kind == part_kind::text) continue;
      out.push_back({&p, "messages[" + std::to_string(i) + "].content[" + std::to_string(j) + "]." +
                             (p.kind == part_kind::image ? "image_url" : "video_url")});
    }
  }
  return out;
}

media_limits limits_for(const media::media_policy& policy) {
  media_limits l;
  l.max_item_bytes = size_t(policy.max_bytes);
  l.max_video_frames = policy.max_video_frames;
  l.max_item_tokens = policy.max_vision_tokens;
  return l;
}

void append(std::vector<float>& to, const std::vector<float>& from) { to.insert(to.end(), from.begin(), from.end()); }

}  // namespace

bool has_media(const chat_request& request) {
  for (const auto& m : request.messages)
    if (const auto* parts = std::get_if<std::vector<content_part>>(&m.content))
      for (const auto& p : *parts)
        if (p.kind != part_kind::text) return true;
  return false;
}

request_media load_request_media(const chat_request& request, const processor_config& cfg,
                                 const media::media_policy& policy) {
  const auto parts = media_parts(request);
  if (int64_t(parts.size()) > policy.max_items)
    throw request_media_error("the request has " + std::to_string(parts.size()) + " images and videos; at most " +
                                  std::to_string(policy.max_items) + " are accepted per request (MAX_MEDIA_ITEMS)",
                              parts[size_t(policy.max_items)].param);
  const media_limits limits = limits_for(policy);
  request_media out;
  for (const auto& ref : parts) {
    const bool video = ref.part->kind == part_kind::video;
    const std::string what = ref.param.substr(0, ref.param.rfind('.')) + (video ? " (video)" : " (image)");
    media_placeholder ph;
    ph.is_video = video;
    int64_t tokens = 0;
    try {
      const std::vector<uint8_t> bytes = media::load_media(ref.part->url, policy);
      if (video) {
        const processed_video v = preprocess_video(bytes, cfg, limits);
        append(out.batch.pixel_values_videos, v.patches.values);
        out.batch.video_grids.push_back(v.patches.grid);
        ph.video_text = video_prompt_text(v);
        tokens = v.pad_tokens;
      } else {
        const processed_image im = preprocess_image(bytes, cfg, limits);
        append(out.batch.pixel_values, im.patches.values);
        out.batch.image_grids.push_back(im.patches.grid);
        ph.image_pads = im.pad_tokens;
        tokens = im.pad_tokens;
      }
    } catch (const std::exception& e) {
      // media::media_error (URL refused, fetch failed) and vision::media_error (undecodable,
      // over a limit) both describe a client mistake; anything else is reported the same way.
      throw request_media_error(what + " could not be used: " + e.what(), ref.param);
    }
    out.vision_tokens += tokens;
    if (out.vision_tokens > policy.max_vision_tokens)
      throw request_media_error("the images and videos up to " + what + " need " + std::to_string(out.vision_tokens) +
                                    " vision tokens; at most " + std::to_string(policy.max_vision_tokens) +
                                    " are accepted per request (MEDIA_MAX_VISION_TOKENS); send smaller or fewer media",
                                ref.param);
    out.placeholders.push_back(std::move(ph));
  }
  return out;
}

}  // namespace vlserve::model::vision
