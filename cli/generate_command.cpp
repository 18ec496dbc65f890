// `vlserve generate`: one request through the same prompt builder, engine and decoder the server
// uses, printed as JSON; --dump writes the reference tensors for comparison with the fixtures.
#include <fstream>
#include <iostream>
#include <sstream>

#include "cli/commands.hpp"
#include "cli/generate_output.hpp"
#include "http/chat_request_parser.hpp"
#include "model/device_info.hpp"
#include "model/serving/batch_runner.hpp"
#include "model/serving/loaded_model.hpp"
#include "model/serving/prompt_builder.hpp"
#include "model/text/engine.hpp"
#include "model/text/weight_quant.hpp"

namespace vlserve::cli {
namespace {

struct generate_args {
  std::string model_dir, request_path, dtype = "float32", device = "cpu", dump_path;
  std::string weight_quant = "none";
};

generate_args parse_args(const std::vector<std::string>& args) {
  generate_args g;
  for (size_t i = 0; i < args.size(); ++i) {
    auto value = [&]() -> std::string {
      if (i + 1 >= args.size()) throw std::invalid_argument(args[i] + " needs a value");
      return args[++i];
    };
    if (args[i] == "--model") g.model_dir = value();
    else if (args[i] == "--request") g.request_path = value();
    else if (args[i] == "--dtype") g.dtype = value();
    else if (args[i] == "--device") g.device = value();
    else if (args[i] == "--dump") g.dump_path = value();
    else if (args[i] == "--weight-quant") g.weight_quant = value();
    else throw std::invalid_argument("unknown argument '" + args[i] + "'");
  }
  if (g.model_dir.empty() || g.request_path.empty())
    throw std::invalid_argument(generate_usage());
  model::parse_weight_quant(g.weight_quant);  // an unknown value is a usage error (exit 2)
  return g;
}

std::string read_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw std::invalid_argument("cannot read " + path);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

}  // namespace

const char* generate_usage() {
  return "usage: vlserve generate --model DIR --request FILE [--dtype float32|bfloat16] "
         "[--device cpu|cuda] [--weight-quant none|int8|fp8] [--dump OUT.safetensors]\n"
         "Runs one chat-completions request body through the same path as the server and prints the "
         "JSON answer; --dump writes the reference tensors.";
}

int generate_command(std::vector<std::string> args) {
  generate_args g;
  model::chat_request request;
  try {
    g = parse_args(args);
    request = http::parse_chat_request(read_file(g.request_path));
  } catch (const http::request_error& e) {
    std::cerr << "vlserve generate: bad request (" << e.param << "): " << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "vlserve generate: " << e.what() << "\n";
    return 2;
  }
  try {
    model::set_compute_threads(0);
    model::engine_options eo;
    eo.dtype = g.dtype;
    eo.device = g.device;
    eo.weight_quant = g.weight_quant;
    model::loaded_model loaded = model::load_model(g.model_dir, {eo, 0});
    model::text_engine& engine = *loaded.engine;
    const model::tokenizer& tok = loaded.tok;
    const model::prompt_defaults& defaults = loaded.defaults;
    auto built = model::build_prompt(request, tok, defaults);
    built.input.prompt_logits = std::min<int64_t>(4, int64_t(built.input.prompt_ids.size()));

    model::runner_options ro;
    ro.max_context = eo.max_context;
    model::batch_runner runner(engine, tok, ro);
    const auto prompt = built.input.prompt_ids;
    const auto positions = built.input.positions;
    const auto rope_delta = built.input.rope_delta;
    runner.submit(std::move(built.input));
    generation_result result;
    while (!runner.idle()) {
      for (auto& ev : runner.step()) {
        if (!ev.error.empty()) throw std::runtime_error(ev.error);
        result.add(ev);
      }
    }
    print_result_json(std::cout, built.text, prompt, result);
    if (!g.dump_path.empty())
      write_dump(g.dump_path, prompt, positions, rope_delta, result, built, engine.vocab_size());
    return 0;
  } catch (const model::prompt_error& e) {
    std::cerr << "vlserve generate: bad request (" << e.param << "): " << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "vlserve generate: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace vlserve::cli
