// The attention inner loop for avx2 (8 floats per vector); see attention_impl.inc.
#include "model/text/kernels/attention_args.hpp"

#define VLSERVE_ATTENTION_VW 8
#define VLSERVE_ATTENTION_ENTRY attention_item_avx2
#include "model/text/kernels/attention_impl.inc"
