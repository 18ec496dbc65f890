// Generates malformed HTTP requests for the bad-input flood (tests/e2e/bad_input_flood_test.cpp):
// JSON mutations of valid chat bodies, junk headers, broken media, bad ids, methods and paths, and
// malformed HTTP framing. Deterministic for a given seed, so a failure names a reproducible case.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace vlserve::testing {

// What a correct server answers.
enum class bad_expect {
  error,    // a 4xx with an OpenAI error body, from our handlers
  any,      // the mutation may happen to be valid: a 2xx with a well-formed body, or a 4xx error body
  unfinished,  // the request has not finished arriving (headers without their blank line, a body
               // shorter than its Content-Length): no answer until the header (10 s) or body
               // (120 s) timeout, because the rest may still come
};

struct bad_request {
  std::string family;  // "json", "types", "unicode", "headers", "auth", "resume", "media", "ids", "paths", "framing"
  std::string what;    // a short description that makes the case findable
  std::string raw;     // the whole request as sent on the socket
  bad_expect expected = bad_expect::error;
};

struct generator_inputs {
  std::string api_key;           // the server's key; every request carries it unless the case is about auth
  std::string finished_session;  // a session that exists and has finished (resume cases replay it)
  std::vector<std::string> pngs;  // valid PNG files to mutate
  std::string mp4;               // a valid MP4 to mutate
};

// Every generated request, distinct by raw bytes, in a seeded order.
std::vector<bad_request> generate_bad_requests(uint64_t seed, const generator_inputs& in);

// The request a client sends for `body`: request line, Host, Connection: close, Content-Type,
// Authorization (when key is not empty), any extra header lines (each ending "\r\n"), Content-Length.
std::string raw_post(const std::string& path, const std::string& body, const std::string& key,
                     const std::string& extra_headers = {});
std::string raw_get(const std::string& path, const std::string& key, const std::string& extra_headers = {});

}  // namespace vlserve::testing
