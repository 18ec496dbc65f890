#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace vlserve::cli {

const char* version();
// `vlserve --help`: the subcommands and every configuration variable of `serve`.
void print_usage(std::ostream& os);
// `vlserve COMMAND --help` for the tool subcommands (one usage line and what it does).
const char* generate_usage();
const char* bench_usage();
const char* random_checkpoint_usage();

// Each returns the process exit code: 0 ok, 1 runtime failure, 2 bad configuration or usage.
int serve_command(std::vector<std::string> args);
// vlserve generate --model DIR --request FILE [--dtype float32|bfloat16] [--dump OUT.safetensors]
int generate_command(std::vector<std::string> args);
// vlserve bench --model DIR [...]: prompt and decode tokens/s, memory bandwidth
int bench_command(std::vector<std::string> args);
// vlserve random-checkpoint --out DIR [...]: a random-weight checkpoint of a given shape
int random_checkpoint_command(std::vector<std::string> args);

}  // namespace vlserve::cli
