#include "model/vision/tower/vision_tower.hpp"

#include <c10/core/InferenceMode.h>

#include <stdexcept>

#include "model/checkpoint/checkpoint.hpp"
#include "model/checkpoint/checkpoint_error.hpp"
#include "model/text/torch_util.hpp"
#include "model/vision/tower/vision_features.hpp"
#include "model/vision/tower/vision_layers.hpp"

namespace vlserve::model::vision {

struct vision_tower::impl {
  vision_config cfg;
  at::TensorOptions options;
  at::ScalarType output_dtype;
  vision_weights weights;
  block_shape shape;
};

vision_tower::vision_tower(const std::string& model_dir, const tower_options& options)
    : impl_(std::make_unique<impl>()) {
  c10::InferenceMode guard;
  impl& m = *impl_;
  m.options = at::TensorOptions().device(parse_device(options.device)).dtype(parse_compute_dtype(options.dtype));
  m.output_dtype = options.output_dtype.empty() ? m.options.dtype().toScalarType()
                                                : parse_compute_dtype(options.output_dtype);
  const model_config full = load_model_config(model_dir);
  if (!full.has_vision)
    throw checkpoint_error(model_dir + "/config.json has no vision_config; this model cannot read images");
  m.cfg = full.vision;
  if (m.cfg.num_heads <= 0 || m.cfg.hidden_size % m.cfg.num_heads != 0)
    throw checkpoint_error(model_dir + "/config.json: vision hidden_size is not a multiple of num_heads");
  for (int64_t idx : m.cfg.deepstack_visual_indexes)
    if (idx < 0 || idx >= m.cfg.depth)
      throw checkpoint_error(model_dir + "/config.json: deepstack_visual_indexes entry " + std::to_string(idx) +
                             " is outside the " + std::to_string(m.cfg.depth) + " vision blocks");
  m.shape = {m.cfg.num_heads, m.cfg.hidden_size / m.cfg.num_heads};
  const checkpoint ckpt(model_dir);
  tensor_claims claims(ckpt);
  m.weights = load_vision_weights(m.cfg, m.options, claims, full.quantization);
}

vision_tower::~vision_tower() = default;

const vision_config& vision_tower::config() const { return impl_->cfg; }
std::string vision_tower::device() const { return impl_->options.device().str(); }
std::string vision_tower::dtype() const { return dtype_name(impl_->options.dtype().toScalarType()); }

vision_features vision_tower::encode(std::span<const float> pixel_values, const std::vector<grid_thw>& grids) const {
  const impl& m = *impl_;
  c10::InferenceMode guard;
  const int64_t patch_dim = m.weights.patch_embed.weight.size(1);
  int64_t rows = 0;
  for (const auto& g : grids) rows += g.patches();
  if (grids.empty() || rows <= 0 || int64_t(pixel_values.size()) != rows * patch_dim)
    throw std::invalid_argument("vision tower input holds " + std::to_string(pixel_values.size()) +
                                " values but the grids need " + std::to_string(rows) + " rows of " +
                                std::to_string(patch_dim));
  const int64_t merge = m.cfg.spatial_merge_size;
  // The input is copied onto the device in the tower's dtype (the reference casts it too).
  const at::Tensor pixels =
      at::from_blob(const_cast<float*>(pixel_values.data()), {rows, patch_dim}, at::TensorOptions().dtype(at::kFloat))
          .to(m.options);
  // The patch "convolution" is one linear over flattened patches; dense() picks the bf16 kernel.
  at::Tensor x = dense(pixels, m.weights.patch_embed.weight, m.weights.patch_embed.bias, compute_mode{});
  x = x + resampled_position_embedding(m.weights.pos_embed, grids, merge);
  const rotary_tables rotary = vision_rotary(grids, merge, m.shape.head_dim, x.device());
  const std::vector<int64_t> segments = attention_segments(grids);

  vision_features out;
  const auto& taps = m.cfg.deepstack_visual_indexes;
  for (size_t b = 0; b < m.weights.blocks.size(); ++b) {
    x = vision_block(x, m.weights.blocks[b], m.shape, rotary, segments);
    for (size_t k = 0; k < taps.size(); ++k)
      if (taps[k] == int64_t(b)) out.deepstack.push_back(patch_merger(x, m.weights.deepstack_mergers[k], merge, true));
  }
  out.embeds = patch_merger(x, m.weights.merger, merge, false).to(m.output_dtype);
  for (at::Tensor& d : out.deepstack) d = d.to(m.output_dtype);
  return out;
}

}  // namespace vlserve::model::vision
