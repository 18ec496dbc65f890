#include "tests/vision/safetensors_file.hpp"

#include <cstring>
#include <fstream>
#include <iterator>
#include <stdexcept>

#include "config/json.hpp"

namespace vlserve::testing {

std::vector<uint8_t> read_file_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot open " + path);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::map<std::string, stored_tensor> read_safetensors(const std::string& path) {
  const std::vector<uint8_t> data = read_file_bytes(path);
  if (data.size() < 8) throw std::runtime_error(path + ": too short");
  uint64_t header_len = 0;
  std::memcpy(&header_len, data.data(), 8);
  if (header_len > data.size() - 8) throw std::runtime_error(path + ": header runs past the end");
  const std::string header(reinterpret_cast<const char*>(data.data() + 8), header_len);
  rapidjson::Document doc;
  doc.Parse(header.c_str());
  if (doc.HasParseError() || !doc.IsObject()) throw std::runtime_error(path + ": bad header");
  const size_t body = 8 + header_len;
  std::map<std::string, stored_tensor> out;
  for (auto it = doc.MemberBegin(); it != doc.MemberEnd(); ++it) {
    const std::string name = it->name.GetString();
    if (name == "__metadata__") continue;
    stored_tensor t;
    t.dtype = it->value["dtype"].GetString();
    for (const auto& d : it->value["shape"].GetArray()) t.shape.push_back(d.GetInt64());
    const auto& offsets = it->value["data_offsets"].GetArray();
    const uint64_t begin = offsets[0].GetUint64(), end = offsets[1].GetUint64();
    if (begin > end || end > data.size() - body) throw std::runtime_error(path + ": bad offsets for " + name);
    t.bytes.assign(data.begin() + static_cast<ptrdiff_t>(body + begin), data.begin() + static_cast<ptrdiff_t>(body + end));
    out.emplace(name, std::move(t));
  }
  return out;
}

std::vector<int64_t> as_int64(const stored_tensor& t) {
  if (t.dtype != "I64") throw std::runtime_error("tensor is " + t.dtype + ", not I64");
  std::vector<int64_t> v(t.bytes.size() / 8);
  std::memcpy(v.data(), t.bytes.data(), v.size() * 8);
  return v;
}

}  // namespace vlserve::testing
