#include "model/tokenizer/tokenizer.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <stdexcept>

#include "model/tokenizer/byte_level.hpp"
#include "model/tokenizer/pretokenize.hpp"
#include "model/tokenizer/tokenizer_impl.hpp"
#include "model/tokenizer/unicode_text.hpp"
#include "model/tokenizer/utf8.hpp"

namespace vlserve::model {

tokenizer tokenizer::load(const std::string& path) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) throw std::runtime_error("cannot open tokenizer file " + path + ": " + std::strerror(errno));
  const std::streamoff size = in.tellg();
  if (size < 0 || size > (std::streamoff{1} << 30)) throw std::runtime_error("cannot read tokenizer file " + path + " (size)");
  std::string text(static_cast<std::size_t>(size), '\0');
  in.seekg(0);
  if (!in.read(text.data(), size)) throw std::runtime_error("cannot read tokenizer file " + path);
  return tokenizer(parse_tokenizer_json(text, path));
}

namespace {

void encode_normalized(const tokenizer::impl& t, std::string_view text, std::vector<std::int32_t>& out) {
  for (const text_segment& seg : t.normalized_added.split(text)) {
    if (seg.token_id >= 0) {
      out.push_back(seg.token_id);
      continue;
    }
    for (const std::string_view piece : qwen2_pretokenize(text.substr(seg.begin, seg.end - seg.begin)))
      t.bpe->encode_piece(piece, out);
  }
}

}  // namespace

std::vector<std::int32_t> tokenizer::encode(std::string_view input) const {
  if (input.size() > max_encode_bytes)
    throw std::invalid_argument("text to encode is " + std::to_string(input.size()) + " bytes; the limit is " +
                                std::to_string(max_encode_bytes));
  const std::string text = to_valid_utf8(input);
  std::vector<std::int32_t> ids;
  ids.reserve(text.size() / 3 + 4);
  for (const text_segment& seg : impl_->raw_added.split(text)) {
    if (seg.token_id >= 0) {
      ids.push_back(seg.token_id);
      continue;
    }
    const std::string_view plain = std::string_view(text).substr(seg.begin, seg.end - seg.begin);
    if (impl_->nfc)
      encode_normalized(*impl_, nfc_normalize(plain), ids);
    else
      encode_normalized(*impl_, plain, ids);
  }
  return ids;
}

std::string tokenizer::decode(const std::vector<std::int32_t>& ids, bool skip_special) const {
  std::string bytes;
  for (const std::int32_t id : ids) {
    if (skip_special && is_special(id)) continue;
    bytes.append(token_bytes(id));
  }
  return to_valid_utf8(bytes);
}

std::optional<std::int32_t> tokenizer::token_id(std::string_view token) const {
  if (const auto it = impl_->added_by_content.find(token); it != impl_->added_by_content.end()) return it->second;
  const std::optional<std::string> bytes = spelling_to_bytes(token);
  const string_id_map& map = bytes ? impl_->bpe->vocab() : impl_->unmapped_spellings;
  const auto it = map.find(bytes ? std::string_view(*bytes) : token);
  if (it == map.end()) return std::nullopt;
  return it->second;
}

std::size_t tokenizer::vocab_size() const { return impl_->id_bytes.size(); }

bool tokenizer::is_special(std::int32_t id) const {
  return id >= 0 && static_cast<std::size_t>(id) < impl_->id_flags.size() && (impl_->id_flags[id] & impl::special);
}

std::string_view tokenizer::token_bytes(std::int32_t id) const {
  if (id < 0 || static_cast<std::size_t>(id) >= impl_->id_bytes.size()) return {};
  return impl_->id_bytes[id];
}

std::vector<std::int32_t> tokenizer::special_ids() const {
  std::vector<std::int32_t> out;
  for (std::size_t id = 0; id < impl_->id_flags.size(); ++id)
    if (impl_->id_flags[id] & impl::special) out.push_back(static_cast<std::int32_t>(id));
  return out;
}

}  // namespace vlserve::model
