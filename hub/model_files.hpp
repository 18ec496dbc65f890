// Which files make a Qwen3-VL model directory, and whether a directory has them all.
#pragma once

#include <string>
#include <vector>

namespace vlserve::hub {

inline const char* const single_weights_file = "model.safetensors";
inline const char* const weights_index_file = "model.safetensors.index.json";

// config.json, generation_config.json, tokenizer.json, tokenizer_config.json, preprocessor_config.json
const std::vector<std::string>& required_files();
// chat_template.json, video_preprocessor_config.json
const std::vector<std::string>& optional_files();

// The distinct shard file names in an index's "weight_map", in first-seen order. Throws
// hub_error(invalid_model) for unreadable JSON, a missing weight_map or an unsafe name.
std::vector<std::string> shard_names(const std::string& index_path);

// What a model directory lacks: required files, and either model.safetensors or the index plus
// every shard it names. Empty when the directory is complete.
std::vector<std::string> missing_model_files(const std::string& dir);

std::string join_names(const std::vector<std::string>& names);

}  // namespace vlserve::hub
