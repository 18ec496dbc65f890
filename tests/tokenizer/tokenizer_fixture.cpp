#include "tests/tokenizer/tokenizer_fixture.hpp"

#include <fstream>
#include <sstream>
#include <stdexcept>

#include "tests/support/child_process.hpp"

namespace vlserve::testing {

std::string tokenizer_json_path() { return fixtures_dir() + "/qwen3vl-tiny/model/tokenizer.json"; }

const model::tokenizer& qwen3_tokenizer() {
  static const model::tokenizer tok = model::tokenizer::load(tokenizer_json_path());
  return tok;
}

rapidjson::Document read_json_fixture(const std::string& relative_path) {
  const std::string path = fixtures_dir() + "/" + relative_path;
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot open fixture " + path);
  std::ostringstream text;
  text << in.rdbuf();
  rapidjson::Document doc;
  doc.Parse(text.str().c_str());
  if (doc.HasParseError()) throw std::runtime_error("fixture " + path + " is not valid JSON");
  return doc;
}

}  // namespace vlserve::testing
