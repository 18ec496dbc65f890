#include "config/served_model_name.hpp"

#include <filesystem>

namespace vlserve::config {

std::string served_model_name(const settings& s) {
  if (!s.served_model_name.empty()) return s.served_model_name;
  const std::string& repo = s.model_repo_id;
  if (repo.empty()) return "model";
  std::error_code ec;
  const bool local = repo.front() == '/' || repo.front() == '.' || repo.front() == '~' ||
                     std::filesystem::is_directory(repo, ec);
  if (!local) return repo;
  // A snapshot in the hub cache still knows its repo: "models--Org--Name".
  for (const auto& part : std::filesystem::path(repo)) {
    const std::string p = part.string();
    if (p.rfind("models--", 0) != 0) continue;
    std::string name = p.substr(8);
    if (const auto sep = name.find("--"); sep != std::string::npos) name.replace(sep, 2, "/");
    return name;
  }
  auto path = std::filesystem::path(repo).lexically_normal();
  if (!path.has_filename()) path = path.parent_path();
  const auto last = path.filename().string();
  return last.empty() || last == "." || last == ".." ? "model" : last;
}

}  // namespace vlserve::config
