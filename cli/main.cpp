// vlserve: the composition root. Picks a subcommand and hands it the remaining arguments.
#include <iostream>
#include <string>
#include <vector>

#include "cli/commands.hpp"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  std::string command = "serve";
  if (!args.empty() && args[0].rfind("-", 0) != 0) {
    command = args[0];
    args.erase(args.begin());
  }
  const bool help = !args.empty() && (args[0] == "--help" || args[0] == "-h");
  if (command == "help" || (help && command == "serve")) {
    vlserve::cli::print_usage(std::cout);
    return 0;
  }
  if (help) {
    const char* text = command == "generate"            ? vlserve::cli::generate_usage()
                       : command == "bench"             ? vlserve::cli::bench_usage()
                       : command == "random-checkpoint" ? vlserve::cli::random_checkpoint_usage()
                                                        : nullptr;
    if (text) {
      std::cout << text << "\n";
      return 0;
    }
  }
  if (!args.empty() && args[0] == "--version") {
    std::cout << "vlserve " << vlserve::cli::version() << "\n";
    return 0;
  }
  if (command == "serve") return vlserve::cli::serve_command(args);
  if (command == "generate") return vlserve::cli::generate_command(args);
  if (command == "bench") return vlserve::cli::bench_command(args);
  if (command == "random-checkpoint") return vlserve::cli::random_checkpoint_command(args);
  std::cerr << "vlserve: unknown command '" << command << "' (try vlserve --help)\n";
  return 2;
}
