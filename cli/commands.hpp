#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace vlserve::cli {

const char* version();
void print_usage(std::ostream& os);

// Each returns the process exit code: 0 ok, 1 runtime failure, 2 bad configuration or usage.
int serve_command(std::vector<std::string> args);

}  // namespace vlserve::cli
