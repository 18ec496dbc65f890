#include "media/file_url.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "media/media_source.hpp"

namespace vlserve::media {
namespace fs = std::filesystem;
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string percent_decode(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') {
      out += s[i];
      continue;
    }
    const int hi = i + 2 < s.size() ? hex_value(s[i + 1]) : -1;
    const int lo = hi >= 0 ? hex_value(s[i + 2]) : -1;
    if (lo < 0) throw media_error("the file:// URL has a bad %-escape at offset " + std::to_string(i));
    out += char(hi * 16 + lo);
    i += 2;
  }
  if (out.find('\0') != std::string::npos) throw media_error("the file:// URL contains a NUL byte (%00)");
  return out;
}

// "file:///a/b" or "file://localhost/a/b" -> "/a/b".
std::string url_path(const std::string& url) {
  const std::string rest = url.substr(7);  // after "file://"
  const auto slash = rest.find('/');
  const std::string host = rest.substr(0, slash);
  if (slash == std::string::npos || (!host.empty() && host != "localhost"))
    throw media_error("file:// URLs must name a local absolute path: file:///path/below/MEDIA_ROOT");
  if (rest.find_first_of("?#") != std::string::npos)
    throw media_error("file:// URLs take no query or fragment; escape '?' as %3F and '#' as %23");
  return percent_decode(rest.substr(slash));
}

bool below(const fs::path& path, const fs::path& root) {
  auto r = root.begin();
  auto p = path.begin();
  for (; r != root.end(); ++r, ++p)
    if (p == path.end() || *p != *r) return false;
  return true;
}

}  // namespace

std::vector<uint8_t> read_file_url(const std::string& url, const media_policy& policy) {
  if (policy.root.empty())
    throw media_error("file:// media URLs are switched off; set MEDIA_ROOT to a directory to allow files below it");
  std::error_code ec;
  const fs::path root = fs::canonical(policy.root, ec);
  if (ec || !fs::is_directory(root))
    throw media_error("MEDIA_ROOT=" + policy.root + " is not an existing directory; fix the setting");
  // weakly_canonical resolves every existing component (symlinks, "..") and keeps a missing tail,
  // so a path outside the root is refused the same way whether or not it exists.
  const fs::path target = fs::weakly_canonical(fs::path(url_path(url)), ec);
  if (ec || !below(target, root))
    throw media_error("the file:// URL points outside MEDIA_ROOT (after resolving '..' and symlinks); "
                      "only files below MEDIA_ROOT may be read");
  // O_NOFOLLOW: the resolved path has no symlinks; if one was swapped in since, refuse it.
  const int fd = ::open(target.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) {
    const int err = errno;
    throw media_error("cannot open the file:// URL below MEDIA_ROOT: " +
                      std::string(err == ENOENT ? "no such file" : std::strerror(err)));
  }
  struct closer {
    int fd;
    ~closer() { ::close(fd); }
  } guard{fd};
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
    throw media_error("the file:// URL does not name a regular file");
  if (st.st_size > policy.max_bytes)
    throw media_error("the file is " + std::to_string(st.st_size) + " bytes, more than MEDIA_MAX_BYTES=" +
                      std::to_string(policy.max_bytes));
  if (st.st_size == 0) throw media_error("the file:// URL names an empty file");
  std::vector<uint8_t> bytes(size_t(st.st_size));
  size_t done = 0;
  while (done < bytes.size()) {
    const auto n = ::read(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0)
      throw media_error("reading the file:// URL failed: " +
                        std::string(n < 0 ? std::strerror(errno) : "it shrank while being read"));
    done += size_t(n);
  }
  return bytes;
}

}  // namespace vlserve::media
