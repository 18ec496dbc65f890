// Broken HTTP framing against the real server on raw sockets (http/framing_guard.hpp): each is
// answered at once with one OpenAI-shaped JSON error and the connection is closed; a body over
// MAX_REQUEST_BYTES is refused from its Content-Length while /health stays fast; pipelined and
// byte-by-byte requests still work, which shows the screen counts each request's bytes right.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <iostream>
#include <thread>

#include "tests/e2e/e2e_server.hpp"
#include "tests/support/http_client.hpp"

using namespace vlserve::testing;

namespace {

using clock_type = std::chrono::steady_clock;

int64_t ms_since(clock_type::time_point t0) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(clock_type::now() - t0).count();
}

class raw_connection {
 public:
  explicit raw_connection(uint16_t port) : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) throw std::runtime_error("connect failed");
    int one = 1;
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  }
  ~raw_connection() { ::close(fd_); }

  // False once the server has closed or reset the connection.
  bool send(const std::string& bytes) {
    for (size_t sent = 0; sent < bytes.size();) {
      const auto n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) return false;
      sent += size_t(n);
    }
    return true;
  }

  // What arrives until the server ends the connection (end of stream or reset) or `timeout_ms`.
  struct reading {
    std::string bytes;
    bool ended = false;  // false: still open at the deadline
    int64_t first_byte_ms = -1, end_ms = -1;
  };
  reading read_until_end(int timeout_ms) {
    reading r;
    const auto t0 = clock_type::now();
    char buf[65536];
    while (ms_since(t0) < timeout_ms) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, int(timeout_ms - ms_since(t0))) <= 0) continue;
      const auto n = ::recv(fd_, buf, sizeof buf, 0);
      if (n <= 0) {
        r.ended = true;
        r.end_ms = ms_since(t0);
        break;
      }
      if (r.bytes.empty()) r.first_byte_ms = ms_since(t0);
      r.bytes.append(buf, size_t(n));
    }
    return r;
  }

 private:
  int fd_;
};

size_t count_of(const std::string& haystack, const std::string& needle) {
  size_t n = 0;
  for (size_t pos = 0; (pos = haystack.find(needle, pos)) != std::string::npos; pos += needle.size()) ++n;
  return n;
}

struct parsed_reply {
  int status = 0;
  std::string head, body;
};

// The one response in `bytes` (status line, headers, Content-Length body).
parsed_reply only_response(const std::string& bytes) {
  parsed_reply r;
  EXPECT_EQ(count_of(bytes, "HTTP/1.1 "), 1u) << bytes.substr(0, 400);
  const auto end = bytes.find("\r\n\r\n");
  if (bytes.size() < 12 || end == std::string::npos) return r;
  r.status = std::stoi(bytes.substr(9, 3));
  r.head = bytes.substr(0, end);
  r.body = bytes.substr(end + 4);
  return r;
}

// The code of an OpenAI error body; fails the test when the body is not one.
std::string error_code(const parsed_reply& r) {
  EXPECT_NE(r.head.find("Content-Type: application/json"), std::string::npos) << r.head;
  EXPECT_NE(r.head.find("Connection: close"), std::string::npos) << r.head;
  EXPECT_NE(r.head.find("Content-Length: " + std::to_string(r.body.size())), std::string::npos) << r.head;
  rapidjson::Document doc;
  doc.Parse(r.body.c_str(), r.body.size());
  if (doc.HasParseError() || !doc.IsObject() || !doc.HasMember("error") || !doc["error"].IsObject())
    return "(not an OpenAI error body: " + r.body.substr(0, 80) + ")";
  const auto& e = doc["error"];
  EXPECT_TRUE(e.HasMember("message") && e["message"].IsString() && e["message"].GetStringLength() > 0);
  EXPECT_TRUE(e.HasMember("type") && e["type"].IsString());
  EXPECT_TRUE(e.HasMember("param"));
  return e.HasMember("code") && e["code"].IsString() ? e["code"].GetString() : "(null)";
}

class Framing : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = new e2e_server(fresh_dir("framing_db"), {{"MAX_REQUEST_BYTES", "1000000"}, {"UI", "0"}}, "framing.log");
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  static uint16_t port() { return server_->port(); }
  static e2e_server* server_;
};
e2e_server* Framing::server_ = nullptr;

const std::string kHead = "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n";
const std::string kChat = R"({"messages":[{"role":"user","content":"hi"}],"max_tokens":3})";

TEST_F(Framing, MalformedRequestsGetOneJsonErrorAtOnceAndTheConnectionCloses) {
  struct bad_case {
    std::string what, raw, code;
    int status;
  };
  const std::vector<bad_case> cases = {
      {"garbage request line", "GARBAGE\r\n\r\n", "malformed_request", 400},
      {"no HTTP version", "GET /health\r\n\r\n", "malformed_request", 400},
      {"HTTP/9.9", "GET /health HTTP/9.9\r\nHost: x\r\n\r\n", "malformed_request", 400},
      {"unknown method", "FOO /health HTTP/1.1\r\nHost: x\r\n\r\n", "malformed_request", 400},
      {"header without a colon", "GET /health HTTP/1.1\r\nHost x\r\n\r\n", "malformed_request", 400},
      {"bare LF lines", "GET /health HTTP/1.1\nHost: x\n\n", "malformed_request", 400},
      {"negative Content-Length", kHead + "Content-Length: -5\r\n\r\n" + kChat, "malformed_request", 400},
      {"Content-Length 2^64", kHead + "Content-Length: 18446744073709551616\r\n\r\n" + kChat, "malformed_request", 400},
      {"two different Content-Lengths", kHead + "Content-Length: 2\r\nContent-Length: 90\r\n\r\n" + kChat,
       "malformed_request", 400},
      {"chunked body", kHead + "Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n", "length_required", 411},
      {"chunked and Content-Length", kHead + "Transfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n0\r\n\r\n",
       "malformed_request", 400},
      {"malformed Content-Type", "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: ;;;\r\nContent-Length: 2\r\n\r\n{}",
       "malformed_request", 400},
      {"head over 64 KiB", "GET /health HTTP/1.1\r\nX-Big: " + std::string(70000, 'h') + "\r\n\r\n", "headers_too_large", 431},
  };
  for (const auto& c : cases) {
    raw_connection conn(port());
    conn.send(c.raw);
    const auto got = conn.read_until_end(5000);
    SCOPED_TRACE(c.what);
    // "At once": the header timeout (10 s) is what answered these before.
    EXPECT_TRUE(got.ended) << "the connection stayed open";
    EXPECT_LT(got.end_ms, 2000);
    const auto r = only_response(got.bytes);
    EXPECT_EQ(r.status, c.status);
    EXPECT_EQ(error_code(r), c.code);
  }
  EXPECT_EQ(http_request(port(), "GET", "/health").status, 200);
}

TEST_F(Framing, ABodyOverTheLimitGetsOneJson413FromItsHeaderWhileHealthStaysFast) {
  const std::string body(3'000'000, 'x');
  std::atomic<bool> refusing{true};
  std::atomic<int64_t> health_max_ms{0};
  std::atomic<int> health_polls{0}, health_failures{0};
  std::thread health([&] {
    while (refusing) {
      const auto t0 = clock_type::now();
      try {
        if (http_request(port(), "GET", "/health", {}, {}, 5000).status != 200) ++health_failures;
      } catch (const std::exception&) {
        ++health_failures;
      }
      health_max_ms = std::max(health_max_ms.load(), ms_since(t0));
      ++health_polls;
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
  });
  // Refusals are quick (milliseconds each): keep refusing until /health was polled often enough.
  int rounds = 0;
  for (; rounds < 5 || (health_polls < 50 && rounds < 2000); ++rounds) {
    const int round = rounds;
    SCOPED_TRACE("round " + std::to_string(round));
    raw_connection conn(port());
    const auto t0 = clock_type::now();
    // The client sends the whole body without reading first, as simple clients do; the server
    // answers from the header and drops the rest (or resets the connection past its allowance).
    std::thread sender([&] { conn.send(kHead + "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body); });
    const auto got = conn.read_until_end(10000);
    sender.join();
    EXPECT_TRUE(got.ended) << "the connection stayed open";
    EXPECT_GE(got.first_byte_ms, 0);
    EXPECT_LT(got.first_byte_ms, 1000) << "the 413 came late";
    EXPECT_LT(ms_since(t0), 5000);
    const auto r = only_response(got.bytes);
    EXPECT_EQ(r.status, 413);
    EXPECT_EQ(error_code(r), "request_too_large");
    EXPECT_NE(r.body.find("MAX_REQUEST_BYTES=1000000"), std::string::npos) << r.body;
  }
  refusing = false;
  health.join();
  std::cout << "refused " << rounds << " bodies of 3 MB (MAX_REQUEST_BYTES=1000000); /health max " << health_max_ms
            << " ms over " << health_polls << " polls\n";
  EXPECT_GE(health_polls, 50) << "in " << rounds << " refusals";
  EXPECT_EQ(health_failures, 0);
  EXPECT_LT(health_max_ms, 100) << "over " << health_polls << " /health polls";
}

TEST_F(Framing, TwoPipelinedRequestsInOneWriteAreBothAnsweredInOrder) {
  raw_connection conn(port());
  conn.send("GET /health HTTP/1.1\r\nHost: x\r\n\r\nGET /v1/models HTTP/1.1\r\nHost: x\r\n\r\n");
  const auto got = conn.read_until_end(1500);  // the server keeps the connection: read what came
  ASSERT_EQ(count_of(got.bytes, "HTTP/1.1 200 OK"), 2u) << got.bytes;
  const auto health = got.bytes.find("\"status\":\"ready\"");
  const auto models = got.bytes.find("\"object\":\"list\"");
  ASSERT_NE(health, std::string::npos);
  ASSERT_NE(models, std::string::npos);
  EXPECT_LT(health, models);
}

TEST_F(Framing, ARequestWrittenOneByteAtATimeWorksAndTheNextOneOnTheConnectionToo) {
  raw_connection conn(port());
  const std::string post = kHead + "Content-Length: " + std::to_string(kChat.size()) + "\r\n\r\n" + kChat;
  for (char c : post) {
    ASSERT_TRUE(conn.send(std::string(1, c)));
    std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
  // Then a second request on the same connection: its bytes start right after the body's last.
  conn.send("GET /v1/models HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  const auto got = conn.read_until_end(2000);  // Pistache keeps the connection despite "close"
  EXPECT_EQ(count_of(got.bytes, "HTTP/1.1 200 OK"), 2u) << got.bytes;
  EXPECT_NE(got.bytes.find("\"object\":\"chat.completion\""), std::string::npos) << got.bytes;
  EXPECT_NE(got.bytes.find("\"object\":\"list\""), std::string::npos) << got.bytes;
}

TEST_F(Framing, ABrokenRequestAfterAGoodOneOnTheSameConnectionGetsTheGoodAnswerThenTheError) {
  raw_connection conn(port());
  conn.send("GET /health HTTP/1.1\r\nHost: x\r\n\r\nGET /health HTTP/1.1\r\nHost x\r\n\r\n");
  const auto got = conn.read_until_end(3000);
  EXPECT_TRUE(got.ended);
  const auto second = got.bytes.find("HTTP/1.1 400");
  ASSERT_NE(second, std::string::npos) << got.bytes;
  EXPECT_EQ(got.bytes.rfind("HTTP/1.1 200 OK", 0), 0u) << got.bytes;
  EXPECT_EQ(error_code(only_response(got.bytes.substr(second))), "malformed_request");
}

TEST_F(Framing, UnfinishedHeadersAreEndedByTheHeaderTimeout) {
  raw_connection conn(port());
  conn.send("GET /health HTTP/1.1\r\nHost: x\r\n");
  const auto got = conn.read_until_end(13000);
  EXPECT_TRUE(got.ended) << "still open after 13 s";
  EXPECT_GE(got.end_ms, 9000);
  EXPECT_NE(got.bytes.find("408"), std::string::npos) << got.bytes;
}

}  // namespace
