#include "model/checkpoint/safetensors_writer.hpp"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <fstream>

#include "config/json.hpp"
#include "model/checkpoint/checkpoint_error.hpp"

namespace vlserve::model {

uint64_t safetensors_writer::checked_nbytes(const std::string& name, st_dtype dtype,
                                            const std::vector<int64_t>& shape) {
  if (name.empty() || name == "__metadata__") {
    throw checkpoint_error("safetensors writer: invalid tensor name '" + name + "'");
  }
  uint64_t n = st_dtype_size(dtype);
  for (int64_t d : shape) {
    if (d < 0) throw checkpoint_error("safetensors writer: tensor '" + name + "' has a negative dim");
    n *= uint64_t(d);
  }
  return n;
}

void safetensors_writer::add(const std::string& name, st_dtype dtype,
                             const std::vector<int64_t>& shape, const void* data, size_t nbytes) {
  const uint64_t expect = checked_nbytes(name, dtype, shape);
  if (tensors_.count(name) != 0) {
    throw checkpoint_error("safetensors writer: tensor '" + name + "' added twice");
  }
  if (expect != nbytes) {
    throw checkpoint_error("safetensors writer: tensor '" + name + "' has " + std::to_string(nbytes) +
                           " bytes, its shape and dtype need " + std::to_string(expect));
  }
  pending p{dtype, shape, std::vector<uint8_t>(nbytes), nbytes, nullptr};
  if (nbytes > 0) std::memcpy(p.bytes.data(), data, nbytes);
  tensors_.emplace(name, std::move(p));
}

void safetensors_writer::add_generated(const std::string& name, st_dtype dtype,
                                       const std::vector<int64_t>& shape, byte_source source) {
  const uint64_t nbytes = checked_nbytes(name, dtype, shape);
  if (tensors_.count(name) != 0) {
    throw checkpoint_error("safetensors writer: tensor '" + name + "' added twice");
  }
  if (!source) throw checkpoint_error("safetensors writer: tensor '" + name + "' has no byte source");
  tensors_.emplace(name, pending{dtype, shape, {}, nbytes, std::move(source)});
}

void safetensors_writer::add_f32(const std::string& name, const std::vector<int64_t>& shape,
                                 const std::vector<float>& v) {
  add(name, st_dtype::f32, shape, v.data(), v.size() * sizeof(float));
}

void safetensors_writer::add_i64(const std::string& name, const std::vector<int64_t>& shape,
                                 const std::vector<int64_t>& v) {
  add(name, st_dtype::i64, shape, v.data(), v.size() * sizeof(int64_t));
}

void safetensors_writer::write(const std::string& path) const {
  rapidjson::StringBuffer sb;
  rapidjson::Writer<rapidjson::StringBuffer> w(sb);
  w.StartObject();
  if (!metadata_.empty()) {
    w.Key("__metadata__");
    w.StartObject();
    for (const auto& [k, v] : metadata_) {
      w.Key(k.c_str(), rapidjson::SizeType(k.size()));
      w.String(v.c_str(), rapidjson::SizeType(v.size()));
    }
    w.EndObject();
  }
  uint64_t offset = 0;
  for (const auto& [name, t] : tensors_) {
    w.Key(name.c_str(), rapidjson::SizeType(name.size()));
    w.StartObject();
    w.Key("dtype");
    const auto dn = st_dtype_name(t.dtype);
    w.String(dn.data(), rapidjson::SizeType(dn.size()));
    w.Key("shape");
    w.StartArray();
    for (int64_t d : t.shape) w.Int64(d);
    w.EndArray();
    w.Key("data_offsets");
    w.StartArray();
    w.Uint64(offset);
    w.Uint64(offset + t.nbytes);
    w.EndArray();
    w.EndObject();
    offset += t.nbytes;
  }
  w.EndObject();
  std::string header(sb.GetString(), sb.GetSize());
  // Pad with spaces so the data block starts 8-byte aligned (what the reference writer does).
  while ((8 + header.size()) % 8 != 0) header.push_back(' ');

  const std::string tmp = path + ".tmp";
  try {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) throw checkpoint_error("cannot write " + tmp);
    uint8_t len[8];
    uint64_t n = header.size();
    for (int i = 0; i < 8; ++i) len[i] = uint8_t(n >> (8 * i));
    out.write(reinterpret_cast<const char*>(len), 8);
    out.write(header.data(), std::streamsize(header.size()));
    std::vector<uint8_t> piece;
    for (const auto& [_, t] : tensors_) {
      if (!t.source) {
        out.write(reinterpret_cast<const char*>(t.bytes.data()), std::streamsize(t.bytes.size()));
        continue;
      }
      for (uint64_t done = 0; done < t.nbytes && out;) {
        const size_t len = size_t(std::min<uint64_t>(k_generate_piece, t.nbytes - done));
        piece.resize(len);
        t.source(done, piece.data(), len);
        out.write(reinterpret_cast<const char*>(piece.data()), std::streamsize(len));
        done += len;
      }
    }
    out.flush();
    if (!out) throw checkpoint_error("write failed for " + tmp + " (disk full?)");
  } catch (...) {
    // A failed multi-GB write must not leave its partial file behind.
    std::remove(tmp.c_str());
    throw;
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::remove(tmp.c_str());
    throw checkpoint_error("cannot rename " + tmp + " to " + path);
  }
}

}  // namespace vlserve::model
