#include "model/text/weight_quant.hpp"

#include <stdexcept>
#include <string>

namespace vlserve::model {

weight_quant parse_weight_quant(std::string_view name) {
  if (name == "none") return weight_quant::none;
  if (name == "int8") return weight_quant::int8;
  if (name == "fp8") return weight_quant::fp8;
  throw std::invalid_argument("weight quantization '" + std::string(name) +
                              "' is not one of none, int8, fp8");
}

std::string_view weight_quant_name(weight_quant q) {
  switch (q) {
    case weight_quant::none:
      return "none";
    case weight_quant::int8:
      return "int8";
    case weight_quant::fp8:
      return "fp8";
  }
  return "none";
}

}  // namespace vlserve::model
