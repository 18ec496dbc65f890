#include "bench/checkpoint_shape.hpp"

#include <algorithm>
#include <stdexcept>

#include "config/json.hpp"

namespace vlserve::bench {
namespace {

model::model_config common_config() {
  model::model_config c;
  c.model_type = "qwen3_vl";
  c.has_vision = true;
  c.text.vocab_size = 151936;
  c.text.rms_norm_eps = 1e-6;
  c.text.rope_theta = 5000000.0;
  c.text.tie_word_embeddings = true;
  c.text.max_position_embeddings = 262144;
  c.text.bos_token_id = 151643;
  c.text.eos_token_id = 151645;
  c.vision.in_channels = 3;
  c.vision.patch_size = 16;
  c.vision.temporal_patch_size = 2;
  c.vision.spatial_merge_size = 2;
  c.vision.num_position_embeddings = 2304;
  return c;
}

void add_text(const model::text_config& t, std::vector<tensor_spec>& out) {
  const std::string p = "model.language_model.";
  const int64_t h = t.hidden_size, q = t.num_attention_heads * t.head_dim,
                kv = t.num_key_value_heads * t.head_dim, inter = t.intermediate_size;
  out.push_back({p + "embed_tokens.weight", {t.vocab_size, h}, tensor_init::normal});
  out.push_back({p + "norm.weight", {h}, tensor_init::ones});
  for (int64_t n = 0; n < t.num_hidden_layers; ++n) {
    const std::string l = p + "layers." + std::to_string(n) + ".";
    out.push_back({l + "input_layernorm.weight", {h}, tensor_init::ones});
    out.push_back({l + "post_attention_layernorm.weight", {h}, tensor_init::ones});
    out.push_back({l + "self_attn.q_proj.weight", {q, h}, tensor_init::normal});
    out.push_back({l + "self_attn.k_proj.weight", {kv, h}, tensor_init::normal});
    out.push_back({l + "self_attn.v_proj.weight", {kv, h}, tensor_init::normal});
    out.push_back({l + "self_attn.o_proj.weight", {h, q}, tensor_init::normal});
    out.push_back({l + "self_attn.q_norm.weight", {t.head_dim}, tensor_init::ones});
    out.push_back({l + "self_attn.k_norm.weight", {t.head_dim}, tensor_init::ones});
    out.push_back({l + "mlp.gate_proj.weight", {inter, h}, tensor_init::normal});
    out.push_back({l + "mlp.up_proj.weight", {inter, h}, tensor_init::normal});
    out.push_back({l + "mlp.down_proj.weight", {h, inter}, tensor_init::normal});
  }
}

// A linear layer with bias, as "<prefix>.weight" [out, in] and "<prefix>.bias" [out].
void add_linear(const std::string& prefix, int64_t out_dim, int64_t in_dim,
                std::vector<tensor_spec>& out) {
  out.push_back({prefix + ".weight", {out_dim, in_dim}, tensor_init::normal});
  out.push_back({prefix + ".bias", {out_dim}, tensor_init::zeros});
}

void add_layer_norm(const std::string& prefix, int64_t dim, std::vector<tensor_spec>& out) {
  out.push_back({prefix + ".weight", {dim}, tensor_init::ones});
  out.push_back({prefix + ".bias", {dim}, tensor_init::zeros});
}

void add_vision(const model::vision_config& v, std::vector<tensor_spec>& out) {
  const std::string p = "model.visual.";
  const int64_t h = v.hidden_size;
  // Mergers see 2x2 neighbouring patches concatenated (spec §5.6).
  const int64_t merged = h * v.spatial_merge_size * v.spatial_merge_size;
  out.push_back({p + "patch_embed.proj.weight",
                 {h, v.in_channels, v.temporal_patch_size, v.patch_size, v.patch_size},
                 tensor_init::normal});
  out.push_back({p + "patch_embed.proj.bias", {h}, tensor_init::zeros});
  out.push_back({p + "pos_embed.weight", {v.num_position_embeddings, h}, tensor_init::normal});
  for (int64_t b = 0; b < v.depth; ++b) {
    const std::string l = p + "blocks." + std::to_string(b) + ".";
    add_layer_norm(l + "norm1", h, out);
    add_layer_norm(l + "norm2", h, out);
    add_linear(l + "attn.qkv", 3 * h, h, out);
    add_linear(l + "attn.proj", h, h, out);
    add_linear(l + "mlp.linear_fc1", v.intermediate_size, h, out);
    add_linear(l + "mlp.linear_fc2", h, v.intermediate_size, out);
  }
  // The final merger normalises before the shuffle (width h), the DeepStack ones after (merged).
  add_layer_norm(p + "merger.norm", h, out);
  add_linear(p + "merger.linear_fc1", merged, merged, out);
  add_linear(p + "merger.linear_fc2", v.out_hidden_size, merged, out);
  for (size_t d = 0; d < v.deepstack_visual_indexes.size(); ++d) {
    const std::string l = p + "deepstack_merger_list." + std::to_string(d) + ".";
    add_layer_norm(l + "norm", merged, out);
    add_linear(l + "linear_fc1", merged, merged, out);
    add_linear(l + "linear_fc2", v.out_hidden_size, merged, out);
  }
}

void write_ints(rapidjson::Writer<rapidjson::StringBuffer>& w, const std::vector<int64_t>& v) {
  w.StartArray();
  for (int64_t x : v) w.Int64(x);
  w.EndArray();
}

}  // namespace

model::model_config shape_preset(const std::string& name) {
  model::model_config c = common_config();
  model::text_config& t = c.text;
  model::vision_config& v = c.vision;
  if (name == "2b") {
    t.hidden_size = 2048, t.num_hidden_layers = 28, t.num_attention_heads = 16;
    t.num_key_value_heads = 8, t.head_dim = 128, t.intermediate_size = 6144;
    t.mrope_section = {24, 20, 20};
    v.depth = 24, v.hidden_size = 1024, v.num_heads = 16, v.intermediate_size = 4096;
    v.out_hidden_size = 2048, v.deepstack_visual_indexes = {5, 11, 17};
  } else if (name == "tiny") {
    t.hidden_size = 64, t.num_hidden_layers = 4, t.num_attention_heads = 4;
    t.num_key_value_heads = 2, t.head_dim = 32, t.intermediate_size = 128;
    t.mrope_section = {6, 5, 5};
    v.depth = 4, v.hidden_size = 64, v.num_heads = 4, v.intermediate_size = 128;
    v.out_hidden_size = 64, v.deepstack_visual_indexes = {1, 2, 3};
  } else {
    throw std::invalid_argument("unknown checkpoint shape '" + name + "' (use 2b or tiny)");
  }
  return c;
}

std::vector<tensor_spec> checkpoint_tensors(const model::model_config& cfg) {
  std::vector<tensor_spec> out;
  add_text(cfg.text, out);
  if (cfg.has_vision) add_vision(cfg.vision, out);
  std::sort(out.begin(), out.end(),
            [](const tensor_spec& a, const tensor_spec& b) { return a.name < b.name; });
  return out;
}

std::string config_json(const model::model_config& cfg, const std::string& dtype) {
  const model::text_config& t = cfg.text;
  const model::vision_config& v = cfg.vision;
  rapidjson::StringBuffer sb;
  rapidjson::Writer<rapidjson::StringBuffer> w(sb);
  w.StartObject();
  w.Key("architectures"), w.StartArray(), w.String("Qwen3VLForConditionalGeneration"), w.EndArray();
  w.Key("model_type"), w.String(cfg.model_type.c_str());
  w.Key("dtype"), w.String(dtype.c_str());
  w.Key("image_token_id"), w.Int64(cfg.image_token_id);
  w.Key("video_token_id"), w.Int64(cfg.video_token_id);
  w.Key("vision_start_token_id"), w.Int64(cfg.vision_start_token_id);
  w.Key("vision_end_token_id"), w.Int64(cfg.vision_end_token_id);
  w.Key("tie_word_embeddings"), w.Bool(t.tie_word_embeddings);
  if (cfg.quantization.fp8()) {
    const model::quantization_config& q = cfg.quantization;
    w.Key("quantization_config"), w.StartObject();
    w.Key("activation_scheme"), w.String("dynamic");
    w.Key("fmt"), w.String("e4m3");
    w.Key("quant_method"), w.String("fp8");
    w.Key("weight_block_size"), write_ints(w, q.weight_block_size);
    w.Key("modules_to_not_convert"), w.StartArray();
    for (const std::string& m : q.modules_to_not_convert) w.String(m.c_str());
    w.EndArray();
    w.EndObject();
  }
  w.Key("text_config"), w.StartObject();
  w.Key("model_type"), w.String("qwen3_vl_text");
  w.Key("attention_bias"), w.Bool(t.attention_bias);
  w.Key("bos_token_id"), w.Int64(t.bos_token_id);
  w.Key("eos_token_id"), w.Int64(t.eos_token_id);
  w.Key("head_dim"), w.Int64(t.head_dim);
  w.Key("hidden_act"), w.String(t.hidden_act.c_str());
  w.Key("hidden_size"), w.Int64(t.hidden_size);
  w.Key("initializer_range"), w.Double(0.02);
  w.Key("intermediate_size"), w.Int64(t.intermediate_size);
  w.Key("max_position_embeddings"), w.Int64(t.max_position_embeddings);
  w.Key("num_attention_heads"), w.Int64(t.num_attention_heads);
  w.Key("num_hidden_layers"), w.Int64(t.num_hidden_layers);
  w.Key("num_key_value_heads"), w.Int64(t.num_key_value_heads);
  w.Key("rms_norm_eps"), w.Double(t.rms_norm_eps);
  w.Key("rope_scaling"), w.StartObject();
  w.Key("mrope_interleaved"), w.Bool(t.mrope_interleaved);
  w.Key("mrope_section"), write_ints(w, t.mrope_section);
  w.Key("rope_type"), w.String("default");
  w.EndObject();
  w.Key("rope_theta"), w.Double(t.rope_theta);
  w.Key("tie_word_embeddings"), w.Bool(t.tie_word_embeddings);
  w.Key("vocab_size"), w.Int64(t.vocab_size);
  w.EndObject();
  if (cfg.has_vision) {
    w.Key("vision_config"), w.StartObject();
    w.Key("model_type"), w.String("qwen3_vl");
    w.Key("deepstack_visual_indexes"), write_ints(w, v.deepstack_visual_indexes);
    w.Key("depth"), w.Int64(v.depth);
    w.Key("hidden_act"), w.String(v.hidden_act.c_str());
    w.Key("hidden_size"), w.Int64(v.hidden_size);
    w.Key("in_channels"), w.Int64(v.in_channels);
    w.Key("initializer_range"), w.Double(0.02);
    w.Key("intermediate_size"), w.Int64(v.intermediate_size);
    w.Key("num_heads"), w.Int64(v.num_heads);
    w.Key("num_position_embeddings"), w.Int64(v.num_position_embeddings);
    w.Key("out_hidden_size"), w.Int64(v.out_hidden_size);
    w.Key("patch_size"), w.Int64(v.patch_size);
    w.Key("spatial_merge_size"), w.Int64(v.spatial_merge_size);
    w.Key("temporal_patch_size"), w.Int64(v.temporal_patch_size);
    w.EndObject();
  }
  w.EndObject();
  return std::string(sb.GetString(), sb.GetSize()) + "\n";
}

}  // namespace vlserve::bench
