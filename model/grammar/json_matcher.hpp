// Walks a grammar byte by byte. The state is a small set of stacks (anyOf, enums and optional
// keys fork; each stack is one way the bytes so far can continue), capped at max_stacks, so a step
// costs O(stacks x depth) however long the output. Bytes no stack accepts are refused.
//
// Worked example, schema {"type":"object","properties":{"a":{"enum":[1,2]}},"required":["a"]}:
//   bytes  {"a":       stack [answer, object(after key a)]
//   byte   1          forks enum 1|2, keeps only literal "1" (done: object expects , or })
//   byte   }          [answer(done)]: only EOS may follow.
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "model/grammar/grammar.hpp"
#include "model/grammar/number_prefix.hpp"

namespace vlserve::model::grammar {

inline constexpr std::size_t max_stacks = 64;
inline constexpr std::size_t max_stack_depth = 48;  // nesting beyond it is not generated

enum class frame_kind : std::uint8_t { answer, value, literal, string, number, object, array };

struct frame {
  frame_kind kind = frame_kind::answer;
  std::uint8_t phase = 0;
  std::uint16_t offset = 0;  // literal: bytes matched; string: \u hex digits seen
  std::int32_t node = -1;    // schema node (-1 = any value); literal: its index (< 0: built-in texts)
  std::int32_t count = 0;    // object: next property; array: items; answer: tool calls
  number_prefix number;
};

using stack = std::vector<frame>;

struct match_state {
  std::vector<stack> stacks;  // empty = dead: the bytes so far cannot be completed
};

class json_matcher {
 public:
  explicit json_matcher(std::shared_ptr<const grammar> g);

  const match_state& state() const { return state_; }
  // The state after `byte`, written into `out` (reused to avoid allocations); empty when refused.
  void step(const match_state& in, unsigned char byte, match_state& out) const;
  // Advances over a token's bytes; false (state unchanged) when they are refused.
  bool advance(std::string_view bytes);
  // A complete answer lies in `s`: EOS may come now.
  bool can_end(const match_state& s) const;
  bool can_end() const { return can_end(state_); }
  // Every stack of `s` is inside free string text, where any byte but '"', '\\' and control
  // bytes keeps the state as it is (the mask's fast path).
  static bool in_plain_string(const match_state& s);

 private:
  void feed(stack st, unsigned char b, match_state& out, int& budget) const;
  std::string_view literal(int index) const;

  std::shared_ptr<const grammar> g_;
  match_state state_;
};

}  // namespace vlserve::model::grammar
