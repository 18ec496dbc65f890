#include "model/checkpoint/generation_config.hpp"

#include <sys/stat.h>

#include "model/checkpoint/json_fields.hpp"

namespace vlserve::model {

generation_config parse_generation_config(const std::string& json, const std::string& source) {
  rapidjson::Document doc;
  json_fields::parse_object(doc, json, source);
  json_fields::reader r{doc, source};
  generation_config g;
  r.read("eos_token_id", g.eos_token_ids);
  r.read("bos_token_id", g.bos_token_id);
  r.read("pad_token_id", g.pad_token_id);
  r.read("do_sample", g.do_sample);
  r.read("temperature", g.temperature);
  r.read("top_k", g.top_k);
  r.read("top_p", g.top_p);
  r.read("repetition_penalty", g.repetition_penalty);
  r.read("presence_penalty", g.presence_penalty);
  r.read("max_new_tokens", g.max_new_tokens);
  return g;
}

generation_config load_generation_config(const std::string& model_dir, int64_t fallback_eos) {
  const std::string path = model_dir + "/generation_config.json";
  struct stat st {};
  generation_config g;
  if (::stat(path.c_str(), &st) == 0) {
    g = parse_generation_config(json_fields::read_file(path), path);
  }
  if (g.eos_token_ids.empty() && fallback_eos >= 0) g.eos_token_ids.push_back(fallback_eos);
  return g;
}

}  // namespace vlserve::model
