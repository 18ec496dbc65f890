// A property check for the libFuzzer targets: a broken invariant aborts, so libFuzzer keeps the
// input as a crash artifact (an exception or a plain return would pass silently).
#pragma once

#include <cstdio>
#include <cstdlib>

#define FUZZ_CHECK(cond)                                                                  \
  do {                                                                                    \
    if (!(cond)) {                                                                        \
      std::fprintf(stderr, "%s:%d: property failed: %s\n", __FILE__, __LINE__, #cond);    \
      std::abort();                                                                       \
    }                                                                                     \
  } while (0)

// Every UBSan report halts the run except the ones tests/fuzz/ubsan.supp names (a known one in
// RapidJSON 1.1.0), also when a crash input is replayed by hand.
extern "C" const char* __ubsan_default_options() {
  return "halt_on_error=1:print_stacktrace=1:suppressions=" VLSERVE_FUZZ_DIR "/ubsan.supp";
}
