// WEIGHT_QUANT: how the text decoder's linear layers hold their weights. Torch-free (engine
// options carry it as a string; settings and the CLIs validate it with parse_weight_quant).
#pragma once

#include <string>
#include <string_view>

namespace vlserve::model {

enum class weight_quant {
  none,  // the compute dtype (an FP8 checkpoint is dequantized to it)
  int8,  // int8 + per-(row, 128 inputs) scales, quantized at load from any checkpoint
  fp8,   // an FP8 checkpoint kept at 1 byte per weight (its blocks requantized to int8 groups)
};

// "none" | "int8" | "fp8"; throws std::invalid_argument naming the accepted values.
weight_quant parse_weight_quant(std::string_view name);
std::string_view weight_quant_name(weight_quant q);

}  // namespace vlserve::model
