// Raw-file helpers for the checkpoint and text tests (the scratch directory is tests/support's
// temp_dir).
#pragma once

#include "tests/support/temp_dir.hpp"

#include <cstdint>
#include <string>

namespace vlserve::testing {

void write_bytes(const std::string& path, const std::string& bytes);
std::string read_bytes(const std::string& path);
// A safetensors file from a literal header and data block (for corrupt-file tests).
std::string safetensors_bytes(const std::string& header_json, const std::string& data);

}  // namespace vlserve::testing
