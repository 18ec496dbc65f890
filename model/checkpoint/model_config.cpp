#include "model/checkpoint/model_config.hpp"

#include "model/checkpoint/checkpoint_error.hpp"
#include "model/checkpoint/json_fields.hpp"

namespace vlserve::model {
namespace {

void require_positive(int64_t v, const char* key, const std::string& where) {
  if (v <= 0) {
    throw checkpoint_error(where + ": '" + key + "' must be a positive integer, got " + std::to_string(v));
  }
}

void read_text(const rapidjson::Value& obj, const std::string& where, bool top_tie_given,
               model_config& cfg) {
  json_fields::reader r{obj, where};
  text_config& t = cfg.text;
  r.read("hidden_size", t.hidden_size);
  r.read("num_hidden_layers", t.num_hidden_layers);
  r.read("num_attention_heads", t.num_attention_heads);
  t.num_key_value_heads = t.num_attention_heads;  // HF default: no grouping
  r.read("num_key_value_heads", t.num_key_value_heads);
  r.read("head_dim", t.head_dim);
  r.read("intermediate_size", t.intermediate_size);
  r.read("vocab_size", t.vocab_size);
  r.read("rms_norm_eps", t.rms_norm_eps);
  r.read("rope_theta", t.rope_theta);
  r.read("max_position_embeddings", t.max_position_embeddings);
  r.read("attention_bias", t.attention_bias);
  r.read("hidden_act", t.hidden_act);
  r.read("bos_token_id", t.bos_token_id);
  r.read("eos_token_id", t.eos_token_id);
  // The decoder's tie flag lives in text_config; the top-level one is the fallback.
  if (r.member("tie_word_embeddings") != nullptr || !top_tie_given) {
    r.read("tie_word_embeddings", t.tie_word_embeddings);
  }
  if (const auto* rs = r.member("rope_scaling")) {
    if (!rs->IsObject()) r.type_error("rope_scaling", "an object");
    json_fields::reader sr{*rs, where + " rope_scaling"};
    sr.read("mrope_section", t.mrope_section);
    sr.read("mrope_interleaved", t.mrope_interleaved);
    std::string type = "default";
    sr.read("rope_type", type);
    if (type != "default") {
      throw checkpoint_error(where + ": rope_type '" + type + "' is not supported (only 'default')");
    }
  }

  require_positive(t.hidden_size, "hidden_size", where);
  require_positive(t.num_hidden_layers, "num_hidden_layers", where);
  require_positive(t.num_attention_heads, "num_attention_heads", where);
  require_positive(t.num_key_value_heads, "num_key_value_heads", where);
  require_positive(t.intermediate_size, "intermediate_size", where);
  require_positive(t.vocab_size, "vocab_size", where);
  if (t.head_dim == 0) t.head_dim = t.hidden_size / t.num_attention_heads;
  require_positive(t.head_dim, "head_dim", where);
  if (t.head_dim % 2 != 0) throw checkpoint_error(where + ": head_dim must be even for rotary embeddings");
  if (t.num_attention_heads % t.num_key_value_heads != 0) {
    throw checkpoint_error(where + ": num_attention_heads (" + std::to_string(t.num_attention_heads) +
                           ") must be a multiple of num_key_value_heads (" +
                           std::to_string(t.num_key_value_heads) + ")");
  }
  if (!(t.rms_norm_eps > 0) || !(t.rope_theta > 0)) {
    throw checkpoint_error(where + ": rms_norm_eps and rope_theta must be positive");
  }
  int64_t sum = 0;
  bool negative = false;
  for (int64_t s : t.mrope_section) {
    sum += s;
    negative = negative || s < 0;
  }
  if (t.mrope_section.size() != 3 || negative || sum != t.head_dim / 2) {
    throw checkpoint_error(where + ": rope_scaling.mrope_section must be 3 non-negative counts summing to "
                           "head_dim/2 = " + std::to_string(t.head_dim / 2));
  }
  if (t.hidden_act != "silu") {
    throw checkpoint_error(where + ": hidden_act '" + t.hidden_act + "' is not supported (only 'silu')");
  }
}

void read_vision(const rapidjson::Value& obj, const std::string& where, vision_config& v) {
  json_fields::reader r{obj, where};
  r.read("depth", v.depth);
  r.read("hidden_size", v.hidden_size);
  r.read("num_heads", v.num_heads);
  r.read("intermediate_size", v.intermediate_size);
  r.read("hidden_act", v.hidden_act);
  r.read("in_channels", v.in_channels);
  r.read("patch_size", v.patch_size);
  r.read("temporal_patch_size", v.temporal_patch_size);
  r.read("spatial_merge_size", v.spatial_merge_size);
  r.read("num_position_embeddings", v.num_position_embeddings);
  r.read("out_hidden_size", v.out_hidden_size);
  r.read("deepstack_visual_indexes", v.deepstack_visual_indexes);
  require_positive(v.depth, "depth", where);
  require_positive(v.hidden_size, "hidden_size", where);
  require_positive(v.num_heads, "num_heads", where);
  require_positive(v.intermediate_size, "intermediate_size", where);
  require_positive(v.patch_size, "patch_size", where);
  require_positive(v.temporal_patch_size, "temporal_patch_size", where);
  require_positive(v.spatial_merge_size, "spatial_merge_size", where);
  require_positive(v.out_hidden_size, "out_hidden_size", where);
  if (v.hidden_size % v.num_heads != 0) {
    throw checkpoint_error(where + ": hidden_size must be a multiple of num_heads");
  }
  for (int64_t i : v.deepstack_visual_indexes) {
    if (i < 0 || i >= v.depth) {
      throw checkpoint_error(where + ": deepstack_visual_indexes entry " + std::to_string(i) +
                             " is outside 0..depth-1");
    }
  }
}

void read_quantization(const rapidjson::Value& obj, const std::string& where, quantization_config& q) {
  json_fields::reader r{obj, where};
  r.read("quant_method", q.quant_method);
  if (q.quant_method != "fp8") {
    throw checkpoint_error(where + ": quant_method '" + q.quant_method +
                           "' is not supported; vlserve loads block-wise FP8 checkpoints "
                           "(quant_method \"fp8\") or unquantized ones (set WEIGHT_QUANT=int8 to "
                           "quantize those at load time)");
  }
  std::string fmt = "e4m3", scheme = "dynamic";
  r.read("fmt", fmt);
  r.read("activation_scheme", scheme);
  if (fmt != "e4m3") throw checkpoint_error(where + ": FP8 fmt '" + fmt + "' is not supported (only e4m3)");
  if (scheme != "dynamic") {
    throw checkpoint_error(where + ": activation_scheme '" + scheme +
                           "' is not supported (only dynamic: no stored activation scales)");
  }
  r.read("weight_block_size", q.weight_block_size);
  if (q.weight_block_size.size() != 2 || q.weight_block_size[0] <= 0 || q.weight_block_size[1] <= 0) {
    throw checkpoint_error(where + ": weight_block_size must be two positive integers [rows, columns]");
  }
  if (const auto* m = r.member("modules_to_not_convert")) {
    if (!m->IsArray() && !m->IsNull()) r.type_error("modules_to_not_convert", "an array of strings");
    if (m->IsArray()) {
      for (const auto& v : m->GetArray()) {
        if (!v.IsString()) r.type_error("modules_to_not_convert", "an array of strings");
        q.modules_to_not_convert.emplace_back(v.GetString());
      }
    }
  }
}

}  // namespace

model_config parse_model_config(const std::string& json, const std::string& source) {
  rapidjson::Document doc;
  json_fields::parse_object(doc, json, source);
  model_config cfg;
  json_fields::reader top{doc, source};
  top.read("model_type", cfg.model_type);
  top.read("image_token_id", cfg.image_token_id);
  top.read("video_token_id", cfg.video_token_id);
  top.read("vision_start_token_id", cfg.vision_start_token_id);
  top.read("vision_end_token_id", cfg.vision_end_token_id);
  top.read("tie_word_embeddings", cfg.text.tie_word_embeddings);
  const bool top_tie_given = top.member("tie_word_embeddings") != nullptr;

  if (const auto* q = top.member("quantization_config")) {
    if (!q->IsObject()) top.type_error("quantization_config", "an object");
    read_quantization(*q, source + " (quantization_config)", cfg.quantization);
  }

  const auto* text = top.member("text_config");
  if (text == nullptr) throw checkpoint_error(source + ": 'text_config' is missing");
  if (!text->IsObject()) top.type_error("text_config", "an object");
  read_text(*text, source + " (text_config)", top_tie_given, cfg);

  if (const auto* vision = top.member("vision_config")) {
    if (!vision->IsObject()) top.type_error("vision_config", "an object");
    read_vision(*vision, source + " (vision_config)", cfg.vision);
    cfg.has_vision = true;
  }
  return cfg;
}

model_config load_model_config(const std::string& model_dir) {
  const std::string path = model_dir + "/config.json";
  return parse_model_config(json_fields::read_file(path), path);
}

}  // namespace vlserve::model
