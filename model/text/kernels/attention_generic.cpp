// The attention inner loop for generic (4 floats per vector); see attention_impl.inc.
#include "model/text/kernels/attention_args.hpp"

#define VLSERVE_ATTENTION_VW 4
#define VLSERVE_ATTENTION_ENTRY attention_item_generic
#define VLSERVE_ATTENTION_PACK_ENTRY attention_pack_kv_generic
#include "model/text/kernels/attention_impl.inc"
