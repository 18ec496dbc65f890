// Reads tokenizer.json (Hugging Face `tokenizers` format) into the tables of tokenizer::impl, and
// refuses every setting this implementation does not reproduce rather than encode differently.
#include <algorithm>
#include <stdexcept>

#include "config/json.hpp"
#include "model/tokenizer/byte_level.hpp"
#include "model/tokenizer/pretokenize.hpp"
#include "model/tokenizer/tokenizer_impl.hpp"
#include "model/tokenizer/unicode_text.hpp"

namespace vlserve::model {

namespace {

using json_value = rapidjson::Value;

// Guards against absurd ids in a hostile file before they size a vector.
constexpr std::int64_t max_token_id = 1 << 24;

[[noreturn]] void unsupported(const std::string& what) { throw std::invalid_argument("unsupported " + what); }

std::string type_of(const json_value& v) {
  if (!v.IsObject() || !v.HasMember("type") || !v["type"].IsString()) return "";
  return v["type"].GetString();
}

bool flag(const json_value& obj, const char* name) {
  const auto it = obj.FindMember(name);
  return it != obj.MemberEnd() && it->value.IsBool() && it->value.GetBool();
}

bool empty_or_null(const json_value& obj, const char* name) {
  const auto it = obj.FindMember(name);
  return it == obj.MemberEnd() || it->value.IsNull() || (it->value.IsString() && it->value.GetStringLength() == 0);
}

bool read_normalizer(const json_value& root) {
  const auto it = root.FindMember("normalizer");
  if (it == root.MemberEnd() || it->value.IsNull()) return false;
  if (type_of(it->value) != "NFC") unsupported("normalizer '" + type_of(it->value) + "' (only NFC or none)");
  return true;
}

void check_byte_level(const json_value& v, const std::string& where) {
  if (type_of(v) != "ByteLevel") unsupported(where + " '" + type_of(v) + "' (expected ByteLevel)");
  if (flag(v, "add_prefix_space")) unsupported(where + " ByteLevel with add_prefix_space");
}

void check_pre_tokenizer(const json_value& root) {
  const json_value& pre = root["pre_tokenizer"];
  if (type_of(pre) != "Sequence" || !pre["pretokenizers"].IsArray() || pre["pretokenizers"].Size() != 2)
    unsupported("pre_tokenizer (expected a Sequence of Split and ByteLevel)");
  const json_value& split = pre["pretokenizers"][0];
  if (type_of(split) != "Split" || !split["pattern"].IsObject() || !split["pattern"].HasMember("Regex"))
    unsupported("pre_tokenizer (the first step must be a Split on a Regex)");
  if (split["pattern"]["Regex"].GetString() != qwen2_split_pattern)
    unsupported("pre_tokenizer Split regex (only the Qwen2 pattern is implemented)");
  if (std::string_view(split["behavior"].GetString()) != "Isolated" || flag(split, "invert"))
    unsupported("pre_tokenizer Split behaviour (only Isolated, not inverted)");
  const json_value& byte_level = pre["pretokenizers"][1];
  check_byte_level(byte_level, "pre_tokenizer step");
  if (byte_level.HasMember("use_regex") && flag(byte_level, "use_regex"))
    unsupported("pre_tokenizer ByteLevel with use_regex");
}

void read_vocab(const json_value& model, tokenizer::impl& t) {
  if (type_of(model) != "BPE") unsupported("model '" + type_of(model) + "' (expected BPE)");
  if (flag(model, "byte_fallback") || flag(model, "ignore_merges") || !empty_or_null(model, "continuing_subword_prefix") ||
      !empty_or_null(model, "end_of_word_suffix"))
    unsupported("BPE options (byte_fallback, ignore_merges, subword prefix/suffix)");
  const auto dropout = model.FindMember("dropout");
  if (dropout != model.MemberEnd() && !dropout->value.IsNull()) unsupported("BPE dropout");

  string_id_map vocab;
  vocab.reserve(model["vocab"].MemberCount());
  for (const auto& entry : model["vocab"].GetObject()) {
    const std::int64_t id = entry.value.GetInt64();
    if (id < 0 || id >= max_token_id) throw std::invalid_argument("vocab id " + std::to_string(id) + " out of range");
    const std::string_view spelling(entry.name.GetString(), entry.name.GetStringLength());
    // A spelling outside the byte alphabet stands for its own UTF-8 (what the HF decoder does).
    std::optional<std::string> mapped = spelling_to_bytes(spelling);
    if (!mapped) t.unmapped_spellings.emplace(spelling, static_cast<std::int32_t>(id));
    std::string bytes = mapped ? std::move(*mapped) : std::string(spelling);
    if (t.id_bytes.size() <= static_cast<std::size_t>(id)) t.id_bytes.resize(id + 1);
    t.id_bytes[id] = bytes;
    vocab.emplace(std::move(bytes), static_cast<std::int32_t>(id));
  }
  t.bpe = std::make_unique<bpe_model>(std::move(vocab));
}

std::string merge_side_bytes(const json_value& side) {
  const std::string_view s(side.GetString(), side.GetStringLength());
  return spelling_to_bytes(s).value_or(std::string(s));
}

void read_merges(const json_value& model, tokenizer::impl& t) {
  t.bpe->reserve_merges(model["merges"].Size());
  for (const json_value& m : model["merges"].GetArray()) {
    if (m.IsArray()) {  // current format: ["Ġ", "t"]
      if (m.Size() != 2) throw std::invalid_argument("a merge rule is not a pair");
      t.bpe->add_merge(merge_side_bytes(m[0]), merge_side_bytes(m[1]));
    } else {  // older format: "Ġ t"
      const std::string_view s(m.GetString(), m.GetStringLength());
      const std::size_t space = s.find(' ');
      if (space == std::string_view::npos) throw std::invalid_argument("merge rule '" + std::string(s) + "' has no space");
      const std::optional<std::string> l = spelling_to_bytes(s.substr(0, space));
      const std::optional<std::string> r = spelling_to_bytes(s.substr(space + 1));
      t.bpe->add_merge(l.value_or(std::string(s.substr(0, space))), r.value_or(std::string(s.substr(space + 1))));
    }
  }
}

void read_added_tokens(const json_value& root, tokenizer::impl& t) {
  std::vector<added_token> raw, normalized;
  const auto it = root.FindMember("added_tokens");
  if (it != root.MemberEnd() && !it->value.IsNull()) {
    for (const json_value& a : it->value.GetArray()) {
      added_token tok;
      const std::int64_t id = a["id"].GetInt64();
      if (id < 0 || id >= max_token_id) throw std::invalid_argument("added token id " + std::to_string(id) + " out of range");
      tok.id = static_cast<std::int32_t>(id);
      tok.content.assign(a["content"].GetString(), a["content"].GetStringLength());
      tok.special = flag(a, "special");
      tok.normalized = flag(a, "normalized");
      tok.lstrip = flag(a, "lstrip");
      tok.rstrip = flag(a, "rstrip");
      tok.single_word = flag(a, "single_word");
      if (t.id_bytes.size() <= static_cast<std::size_t>(id)) t.id_bytes.resize(id + 1);
      t.id_bytes[id] = spelling_to_bytes(tok.content).value_or(tok.content);
      t.added_by_content.emplace(tok.content, tok.id);
      if (tok.normalized && t.nfc) tok.content = nfc_normalize(tok.content);
      (tok.normalized ? normalized : raw).push_back(std::move(tok));
    }
  }
  t.id_flags.assign(t.id_bytes.size(), 0);
  for (const auto* list : {&raw, &normalized})
    for (const added_token& tok : *list)
      if (tok.special) t.id_flags[tok.id] |= tokenizer::impl::special;
  t.raw_added = added_token_matcher(raw);
  t.normalized_added = added_token_matcher(normalized);
}

}  // namespace

std::shared_ptr<const tokenizer::impl> parse_tokenizer_json(const std::string& json, const std::string& name) {
  rapidjson::Document doc;
  doc.Parse(json.data(), json.size());
  if (doc.HasParseError())
    throw std::runtime_error("tokenizer file " + name + " is not valid JSON: " + rapidjson::GetParseError_En(doc.GetParseError()) +
                             " at offset " + std::to_string(doc.GetErrorOffset()));
  try {
    if (!doc.IsObject()) throw std::invalid_argument("the top level is not an object");
    auto t = std::make_shared<tokenizer::impl>();
    t->nfc = read_normalizer(doc);
    check_pre_tokenizer(doc);
    check_byte_level(doc["decoder"], "decoder");
    read_vocab(doc["model"], *t);
    read_merges(doc["model"], *t);
    read_added_tokens(doc, *t);
    return t;
  } catch (const std::exception& e) {
    throw std::runtime_error("tokenizer file " + name + ": " + e.what());
  }
}

}  // namespace vlserve::model
