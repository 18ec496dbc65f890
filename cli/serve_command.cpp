// `vlserve serve`: configuration, logging, actors, HTTP; runs until SIGINT/SIGTERM.
#include <spdlog/spdlog.h>

#include <chrono>
#include <csignal>
#include <pthread.h>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <thread>

#include "actors/runtime.hpp"
#include "cli/commands.hpp"
#include "config/config_error.hpp"
#include "config/env_file.hpp"
#include "config/load.hpp"
#include "config/logging.hpp"
#include "http/server.hpp"

namespace vlserve::cli {

namespace {
// SIGTERM to exit, streams running or not (orchestrators send SIGKILL after their grace period).
constexpr auto kShutdownBudget = std::chrono::milliseconds(4000);

pthread_t main_thread;

// A stop signal that lands on a thread created before main blocked it (OpenBLAS starts its pool
// when the library loads) would take the default action and kill the process (exit 130: seen
// once in e2e_serve) instead of shutting down; this handler passes it on to the main thread,
// where sigwait() takes it. pthread_kill is async-signal-safe.
void forward_to_main(int sig) { pthread_kill(main_thread, sig); }

// Blocks the stop signals in this thread, so every thread started from here inherits the mask and
// sigwait() below is the receiver; threads that already exist reach it through forward_to_main.
sigset_t block_stop_signals() {
  main_thread = pthread_self();
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  // Blocked here first, so the handler never runs on (and never forwards to) the main thread.
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  struct sigaction forward = {};
  forward.sa_handler = forward_to_main;
  sigemptyset(&forward.sa_mask);
  sigaction(SIGINT, &forward, nullptr);
  sigaction(SIGTERM, &forward, nullptr);
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
  const auto deadline = std::chrono::steady_clock::now() + kShutdownBudget;
  // Running sessions end `interrupted` first, in the store and for their clients, while HTTP can
  // still carry that last event; then HTTP stops so no handler sends to actors; then the actors.
  rt.interrupt_sessions(std::chrono::milliseconds(2500));
  std::this_thread::sleep_for(std::chrono::milliseconds(100));  // the reactor writes the last events
  srv.shutdown();
  // The engine may be inside a step of several seconds (a long prompt chunk). Everything a client
  // was promised is stored and LMDB is crash-safe, so past the budget the process exits at once.
  std::thread([deadline] {
    std::this_thread::sleep_until(deadline);
    spdlog::warn("shutdown: the engine step is still running after {} s; exiting without waiting for it",
                 std::chrono::duration_cast<std::chrono::seconds>(kShutdownBudget).count());
    spdlog::default_logger()->flush();
    std::_Exit(0);
  }).detach();
  rt.stop();
  spdlog::info("bye");
  return 0;
}

}  // namespace vlserve::cli
