#include "model/text/visual_transfer.hpp"

#include <stdexcept>

#include "model/text/torch_util.hpp"
#include "model/text/visual_injection.hpp"

namespace vlserve::model {
namespace {

constexpr int64_t kMaxHidden = 1 << 16;
constexpr int32_t kMaxDeepstack = 64;

void append_floats(std::vector<float>& out, const at::Tensor& t) {
  const at::Tensor f = t.to(at::kCPU, at::kFloat).contiguous();
  out.insert(out.end(), f.data_ptr<float>(), f.data_ptr<float>() + f.numel());
}

at::Tensor rebuild(const float* data, int64_t rows, int64_t hidden, const at::TensorOptions& options) {
  return at::from_blob(const_cast<float*>(data), {rows, hidden}, at::TensorOptions().dtype(at::kFloat))
      .to(options)
      .clone();
}

}  // namespace

flat_visual flatten_visual(const visual_injection& v) {
  flat_visual f;
  f.rows = v.rows;
  f.hidden = v.embeddings.defined() && v.embeddings.dim() == 2 ? v.embeddings.size(1) : 0;
  append_floats(f.embeddings, v.embeddings);
  f.deepstack_layers = int32_t(v.deepstack.size());
  for (const auto& d : v.deepstack) append_floats(f.deepstack, d);
  return f;
}

std::shared_ptr<const visual_injection> unflatten_visual(const flat_visual& f, const std::string& device,
                                                         const std::string& dtype) {
  const auto rows = int64_t(f.rows.size());
  if (rows == 0 || f.hidden <= 0 || f.hidden > kMaxHidden)
    throw std::invalid_argument("vision features: no rows or a bad hidden size");
  if (f.deepstack_layers < 0 || f.deepstack_layers > kMaxDeepstack)
    throw std::invalid_argument("vision features: bad deepstack layer count");
  const auto plane = uint64_t(rows) * uint64_t(f.hidden);
  if (f.embeddings.size() != plane || f.deepstack.size() != plane * uint64_t(f.deepstack_layers))
    throw std::invalid_argument("vision features: sizes do not match rows x hidden");
  const auto options = at::TensorOptions().device(parse_device(device)).dtype(parse_compute_dtype(dtype));
  auto v = std::make_shared<visual_injection>();
  v->rows = f.rows;
  v->embeddings = rebuild(f.embeddings.data(), rows, f.hidden, options);
  for (int32_t k = 0; k < f.deepstack_layers; ++k)
    v->deepstack.push_back(rebuild(f.deepstack.data() + plane * uint64_t(k), rows, f.hidden, options));
  return v;
}

}  // namespace vlserve::model
