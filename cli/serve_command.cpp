// `vlserve serve`: configuration, logging, actors, HTTP; runs until SIGINT/SIGTERM.
#include <spdlog/spdlog.h>

#include <csignal>
#include <iostream>
#include <memory>

#include "actors/runtime.hpp"
#include "cli/commands.hpp"
#include "config/config_error.hpp"
#include "config/env_file.hpp"
#include "config/load.hpp"
#include "config/logging.hpp"
#include "http/server.hpp"

namespace vlserve::cli {
namespace {

// Blocks the stop signals in this thread before any other thread exists, so every thread
// inherits the mask and sigwait() below is the only receiver.
sigset_t block_stop_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  return set;
}

}  // namespace

int serve_command(std::vector<std::string> args) {
  config::settings settings;
  try {
    std::string env_path = ".env";
    auto flags = config::take_config_flags(args);
    for (size_t i = 0; i < args.size(); ++i) {
      if (args[i] == "--env-file" && i + 1 < args.size()) {
        env_path = args[i + 1];
        args.erase(args.begin() + long(i), args.begin() + long(i) + 2);
        break;
      }
    }
    if (!args.empty()) throw config::config_error("unknown argument '" + args[0] + "' (see vlserve --help)");
    settings = config::load_settings(config::process_env(), config::read_env_file(env_path), flags);
  } catch (const config::config_error& e) {
    std::cerr << "vlserve: " << e.what() << "\n";
    return 2;
  }

  config::setup_logging(settings);
  spdlog::info("vlserve {} starting", version());
  for (const auto& line : config::describe(settings)) spdlog::info("config {}", line);

  const sigset_t stop_signals = block_stop_signals();
  std::unique_ptr<actors::runtime> runtime;
  try {
    runtime = std::make_unique<actors::runtime>(settings);
  } catch (const std::exception& e) {
    spdlog::error("cannot start: {}", e.what());
    return 1;
  }
  auto& rt = *runtime;
  http::server srv(settings, rt);
  try {
    srv.start();
  } catch (const std::exception& e) {
    spdlog::error("cannot listen on {}:{}: {}", settings.host, settings.port, e.what());
    return 1;
  }

  int sig = 0;
  sigwait(&stop_signals, &sig);
  spdlog::info("received {}, shutting down", sig == SIGINT ? "SIGINT" : "SIGTERM");
  // Order matters (stack-notes §3): stop HTTP first so no handler sends to actors, then actors.
  srv.shutdown();
  rt.stop();
  spdlog::info("bye");
  return 0;
}

}  // namespace vlserve::cli
