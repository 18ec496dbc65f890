#include "model/checkpoint/safetensors_header.hpp"

#include <algorithm>
#include <cstring>
#include <limits>

#include "config/json.hpp"
#include "model/checkpoint/checkpoint_error.hpp"

namespace vlserve::model {
namespace {

[[noreturn]] void fail(const std::string& path, const std::string& what) {
  throw checkpoint_error("corrupt safetensors file " + path + ": " + what);
}

// Multiplies without wrapping; nullopt-like false on overflow.
bool checked_mul(size_t a, size_t b, size_t& out) {
  if (a != 0 && b > std::numeric_limits<size_t>::max() / a) return false;
  out = a * b;
  return true;
}

tensor_entry parse_entry(const std::string& name, const rapidjson::Value& v,
                         const std::string& path) {
  const std::string where = "tensor '" + name + "'";
  if (!v.IsObject()) fail(path, where + " is not a JSON object");
  tensor_entry e;
  e.name = name;
  auto dt = v.FindMember("dtype");
  if (dt == v.MemberEnd() || !dt->value.IsString()) fail(path, where + " has no string 'dtype'");
  const auto parsed = parse_st_dtype(dt->value.GetString());
  if (!parsed) fail(path, where + " has unknown dtype '" + dt->value.GetString() + "'");
  e.dtype = *parsed;

  auto sh = v.FindMember("shape");
  if (sh == v.MemberEnd() || !sh->value.IsArray()) fail(path, where + " has no 'shape' array");
  size_t numel = 1;
  for (const auto& d : sh->value.GetArray()) {
    if (!d.IsUint64()) fail(path, where + " has a shape entry that is not a non-negative integer");
    const uint64_t dim = d.GetUint64();
    if (dim > uint64_t(std::numeric_limits<int64_t>::max()) || !checked_mul(numel, dim, numel)) {
      fail(path, where + " has a shape too large to address");
    }
    e.shape.push_back(int64_t(dim));
  }

  auto off = v.FindMember("data_offsets");
  if (off == v.MemberEnd() || !off->value.IsArray() || off->value.Size() != 2 ||
      !off->value[0].IsUint64() || !off->value[1].IsUint64()) {
    fail(path, where + " needs 'data_offsets' = [begin, end]");
  }
  e.begin = size_t(off->value[0].GetUint64());
  e.end = size_t(off->value[1].GetUint64());
  if (e.end < e.begin) fail(path, where + " has data_offsets end before begin");
  size_t bytes = 0;
  if (!checked_mul(numel, st_dtype_size(e.dtype), bytes)) fail(path, where + " is too large");
  if (e.end - e.begin != bytes) {
    fail(path, where + " has " + std::to_string(e.end - e.begin) + " data bytes but shape x " +
                   std::string(st_dtype_name(e.dtype)) + " needs " + std::to_string(bytes));
  }
  return e;
}

}  // namespace

safetensors_header parse_safetensors_header(const uint8_t* file, size_t file_size,
                                            const std::string& path) {
  if (file_size < 8) fail(path, "file is " + std::to_string(file_size) + " bytes, too short for a header");
  uint64_t n = 0;
  for (int i = 7; i >= 0; --i) n = (n << 8) | file[i];  // little-endian regardless of host
  if (n > k_max_header_bytes) fail(path, "header length " + std::to_string(n) + " is implausible");
  if (n > file_size - 8) {
    fail(path, "header length " + std::to_string(n) + " runs past the end of the file (truncated?)");
  }
  safetensors_header h;
  h.data_start = size_t(8 + n);
  const size_t data_size = file_size - h.data_start;

  rapidjson::Document doc;
  doc.Parse(reinterpret_cast<const char*>(file + 8), size_t(n));
  if (doc.HasParseError()) {
    fail(path, std::string("header JSON: ") + rapidjson::GetParseError_En(doc.GetParseError()) +
                   " at offset " + std::to_string(doc.GetErrorOffset()));
  }
  if (!doc.IsObject()) fail(path, "header JSON is not an object");

  for (auto it = doc.MemberBegin(); it != doc.MemberEnd(); ++it) {
    const std::string name(it->name.GetString(), it->name.GetStringLength());
    if (name == "__metadata__") {
      if (!it->value.IsObject()) fail(path, "__metadata__ is not an object");
      for (auto m = it->value.MemberBegin(); m != it->value.MemberEnd(); ++m) {
        if (!m->value.IsString()) fail(path, "__metadata__ values must be strings");
        h.metadata[m->name.GetString()] = m->value.GetString();
      }
      continue;
    }
    tensor_entry e = parse_entry(name, it->value, path);
    if (e.end > data_size) {
      fail(path, "tensor '" + name + "' ends at byte " + std::to_string(e.end) +
                     " but the data block has " + std::to_string(data_size) + " bytes (truncated file?)");
    }
    h.tensors.push_back(std::move(e));
  }

  std::sort(h.tensors.begin(), h.tensors.end(), [](const tensor_entry& a, const tensor_entry& b) {
    return a.begin != b.begin ? a.begin < b.begin : a.end < b.end;
  });
  for (size_t i = 1; i < h.tensors.size(); ++i) {
    const auto& prev = h.tensors[i - 1];
    const auto& cur = h.tensors[i];
    if (cur.begin < prev.end) {
      fail(path, "tensors '" + prev.name + "' and '" + cur.name + "' overlap in the data block");
    }
  }
  return h;
}

}  // namespace vlserve::model
