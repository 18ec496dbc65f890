#include <iomanip>

#include "cli/commands.hpp"
#include "config/variables.hpp"

namespace vlserve::cli {

const char* version() { return VLSERVE_VERSION; }

void print_usage(std::ostream& os) {
  os << "vlserve " << version() << " - OpenAI-compatible server for Qwen3-VL\n\n"
     << "Usage:\n"
     << "  vlserve [serve] [flags]            start the HTTP server (default)\n"
     << "  vlserve generate --model DIR ...   one request through the server's path, JSON out\n"
     << "  vlserve bench --model DIR ...      prefill and decode speed next to the machine's limits\n"
     << "  vlserve random-checkpoint ...      write a random-weight checkpoint (2b or tiny shapes)\n"
     << "  vlserve COMMAND --help             that command's own usage\n"
     << "  vlserve --help                     this text\n"
     << "  vlserve --version                  print the version\n\n"
     << "Configuration (environment, a .env file in the working directory, or the flag shown;\n"
     << "flags override the environment, which overrides .env):\n";
  for (const auto& var : config::variables())
    os << "  " << std::left << std::setw(34) << var.name << std::setw(34) << config::flag_name(var.name)
       << var.help << "\n";
}

}  // namespace vlserve::cli
