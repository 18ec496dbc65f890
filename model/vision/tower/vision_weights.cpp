#include "model/vision/tower/vision_weights.hpp"

#include <string>

#include "model/text/fp8_weights.hpp"
#include "model/text/torch_util.hpp"

namespace vlserve::model::vision {
namespace {

struct loader {
  tensor_claims& claims;
  const at::TensorOptions& options;
  const quantization_config& quantization;

  at::Tensor tensor(const std::string& name, std::vector<int64_t> shape) {
    return tensor_from_view(claims.take(name, shape), options);
  }
  affine_weights linear(const std::string& prefix, int64_t out, int64_t in) {
    // An FP8 checkpoint may store the tower's projections as FP8 too: dequantized here.
    return {take_weight(claims, prefix + ".weight", {out, in}, quantization, options),
            tensor(prefix + ".bias", {out})};
  }
  affine_weights norm(const std::string& prefix, int64_t dim) {
    return {tensor(prefix + ".weight", {dim}), tensor(prefix + ".bias", {dim})};
  }
  merger_weights merger(const std::string& prefix, int64_t norm_dim, int64_t merged, int64_t out) {
    return {norm(prefix + ".norm", norm_dim), linear(prefix + ".linear_fc1", merged, merged),
            linear(prefix + ".linear_fc2", out, merged)};
  }
};

}  // namespace

vision_weights load_vision_weights(const vision_config& cfg, const at::TensorOptions& options,
                                   tensor_claims& claims, const quantization_config& quantization) {
  loader ld{claims, options, quantization};
  const std::string p = k_vision_prefix;
  const int64_t hidden = cfg.hidden_size;
  const int64_t merged = hidden * cfg.spatial_merge_size * cfg.spatial_merge_size;
  const int64_t patch = cfg.patch_size;

  vision_weights w;
  w.patch_embed.weight =
      ld.tensor(p + "patch_embed.proj.weight", {hidden, cfg.in_channels, cfg.temporal_patch_size, patch, patch})
          .reshape({hidden, -1});
  w.patch_embed.bias = ld.tensor(p + "patch_embed.proj.bias", {hidden});
  w.pos_embed = ld.tensor(p + "pos_embed.weight", {cfg.num_position_embeddings, hidden});
  w.blocks.reserve(size_t(cfg.depth));
  for (int64_t b = 0; b < cfg.depth; ++b) {
    const std::string bp = p + "blocks." + std::to_string(b) + ".";
    vision_block_weights blk;
    blk.norm1 = ld.norm(bp + "norm1", hidden);
    blk.norm2 = ld.norm(bp + "norm2", hidden);
    blk.qkv = ld.linear(bp + "attn.qkv", 3 * hidden, hidden);
    blk.proj = ld.linear(bp + "attn.proj", hidden, hidden);
    blk.fc1 = ld.linear(bp + "mlp.linear_fc1", cfg.intermediate_size, hidden);
    blk.fc2 = ld.linear(bp + "mlp.linear_fc2", hidden, cfg.intermediate_size);
    w.blocks.push_back(std::move(blk));
  }
  w.merger = ld.merger(p + "merger", hidden, merged, cfg.out_hidden_size);
  for (size_t d = 0; d < cfg.deepstack_visual_indexes.size(); ++d)
    w.deepstack_mergers.push_back(
        ld.merger(p + "deepstack_merger_list." + std::to_string(d), merged, merged, cfg.out_hidden_size));
  claims.expect_all_taken(p);
  return w;
}

}  // namespace vlserve::model::vision
