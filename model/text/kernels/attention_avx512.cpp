// The attention inner loop for avx512 (16 floats per vector); see attention_impl.inc.
#include "model/text/kernels/attention_args.hpp"

#define VLSERVE_ATTENTION_VW 16
#define VLSERVE_ATTENTION_ENTRY attention_item_avx512
#include "model/text/kernels/attention_impl.inc"
