#include "hub/cache_layout.hpp"

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <system_error>

#include "hub/hub_error.hpp"

namespace vlserve::hub {
namespace fs = std::filesystem;
namespace {

// Unique per process and call, so two writers never share a temporary name.
std::string temp_suffix() {
  static std::atomic<unsigned> counter{0};
  return ".tmp." + std::to_string(::getpid()) + "." + std::to_string(counter++);
}

bool is_name_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-';
}

std::string read_first_line(const std::string& path) {
  std::ifstream f(path);
  std::string line;
  if (f) std::getline(f, line);
  return line.substr(0, 256);
}

[[noreturn]] void unwritable(const std::string& path) {
  throw hub_error(hub_error_kind::cache_not_writable,
                  "cannot write " + path + ": check that HF_HUB_CACHE is writable and has space");
}

}  // namespace

std::string repo_folder_name(const std::string& repo_id) {
  std::string out = "models--";
  for (char c : repo_id) {
    if (c == '/')
      out += "--";
    else
      out += c;
  }
  return out;
}

bool is_commit_hash(const std::string& revision) {
  if (revision.size() != 40) return false;
  for (char c : revision)
    if (!std::isxdigit(static_cast<unsigned char>(c)) || std::isupper(static_cast<unsigned char>(c)))
      return false;
  return true;
}

void check_repo_id(const std::string& repo_id) {
  const auto slash = repo_id.find('/');
  const bool two_parts = slash != std::string::npos && repo_id.find('/', slash + 1) == std::string::npos;
  bool ok = !repo_id.empty() && repo_id.size() <= 200 && (slash == std::string::npos || two_parts);
  for (size_t start = 0; ok && start <= repo_id.size();) {
    const auto end = std::min(repo_id.find('/', start), repo_id.size());
    const std::string part = repo_id.substr(start, end - start);
    ok = !part.empty() && part != "." && part != ".." && part.find("--") == std::string::npos;
    for (char c : part) ok = ok && is_name_char(c);
    start = end + 1;
  }
  if (!ok)
    throw hub_error(hub_error_kind::bad_request,
                    "MODEL_REPO_ID '" + repo_id +
                        "' is neither an existing directory nor a hub repo id like 'Org/Name' "
                        "(letters, digits, '.', '_', '-')");
}

void check_relative_name(const std::string& what, const std::string& name) {
  bool ok = !name.empty() && name.size() <= 1024 && name.front() != '/';
  for (size_t start = 0; ok && start <= name.size();) {
    const auto end = std::min(name.find('/', start), name.size());
    const std::string part = name.substr(start, end - start);
    ok = !part.empty() && part != "." && part != "..";
    for (char c : part) ok = ok && c != '\\' && static_cast<unsigned char>(c) >= 0x20;
    start = end + 1;
  }
  if (!ok)
    throw hub_error(hub_error_kind::bad_request,
                    "invalid " + what + " '" + name + "': it must be a relative path without '..'");
}

cache_layout::cache_layout(const std::string& cache_dir, const std::string& repo_id)
    : cache_dir_(cache_dir), folder_name_(repo_folder_name(repo_id)) {
  repo_dir_ = cache_dir_ + "/" + folder_name_;
}

std::string cache_layout::blob_path(const std::string& etag) const {
  return repo_dir_ + "/blobs/" + etag;
}

std::string cache_layout::incomplete_path(const std::string& etag) const {
  return blob_path(etag) + ".incomplete";
}

std::string cache_layout::lock_path(const std::string& etag) const {
  return cache_dir_ + "/.locks/" + folder_name_ + "/" + etag + ".lock";
}

std::string cache_layout::snapshot_dir(const std::string& commit) const {
  return repo_dir_ + "/snapshots/" + commit;
}

std::string cache_layout::snapshot_file(const std::string& commit, const std::string& filename) const {
  return snapshot_dir(commit) + "/" + filename;
}

std::string cache_layout::no_exist_marker(const std::string& commit, const std::string& filename) const {
  return repo_dir_ + "/.no_exist/" + commit + "/" + filename;
}

std::optional<std::string> cache_layout::commit_for(const std::string& revision) const {
  if (is_commit_hash(revision)) return revision;
  const std::string commit = read_first_line(repo_dir_ + "/refs/" + revision);
  if (!is_commit_hash(commit)) return std::nullopt;
  return commit;
}

void cache_layout::write_ref(const std::string& revision, const std::string& commit) const {
  if (revision == commit) return;  // huggingface_hub writes no ref for a commit hash either
  const std::string path = repo_dir_ + "/refs/" + revision;
  std::error_code ec;
  fs::create_directories(fs::path(path).parent_path(), ec);
  const std::string tmp = path + temp_suffix();
  {
    std::ofstream f(tmp, std::ios::trunc);
    f << commit;
    if (!f.flush()) unwritable(tmp);
  }
  fs::rename(tmp, path, ec);
  if (ec) unwritable(path);
}

void cache_layout::link_snapshot_file(const std::string& commit, const std::string& filename,
                                      const std::string& etag) const {
  const fs::path link = snapshot_file(commit, filename);
  std::error_code ec;
  fs::create_directories(link.parent_path(), ec);
  // snapshots/<commit>/a/b.json sits two folders below the repo dir plus one per '/' in the name.
  std::string target = "../../";
  for (char c : filename)
    if (c == '/') target += "../";
  target += "blobs/" + etag;
  const fs::path tmp = link.string() + temp_suffix();
  fs::create_symlink(target, tmp, ec);
  if (!ec) fs::rename(tmp, link, ec);
  if (ec) {
    fs::remove(tmp, ec);
    unwritable(link.string());
  }
}

void cache_layout::mark_absent(const std::string& commit, const std::string& filename) const {
  const fs::path marker = no_exist_marker(commit, filename);
  std::error_code ec;
  fs::create_directories(marker.parent_path(), ec);
  std::ofstream touch(marker);  // best effort: only a hint for later offline runs
}

}  // namespace vlserve::hub
