#include "model/grammar/json_matcher.hpp"

namespace vlserve::model::grammar {
namespace {

// Built-in literal texts, addressed by negative literal indices.
constexpr std::string_view builtin[] = {"", "<tool_call>\n", "\n</tool_call>", "\n<tool_call>\n", "true", "false", "null"};
constexpr int lit_open = -1, lit_close = -2, lit_next = -3, lit_true = -4, lit_false = -5, lit_null = -6;

// A fork re-feeds its byte to each alternative; this caps the work one byte can cause (anyOf
// cycles through $ref could otherwise expand forever).
constexpr int max_expansions_per_byte = 256;

enum object_phase : std::uint8_t { after_open, after_key, after_value, after_comma };
enum answer_phase : std::uint8_t { before, opened, value_done, closed };

bool is_digit(unsigned char b) { return b >= '0' && b <= '9'; }
bool is_hex(unsigned char b) { return is_digit(b) || (b >= 'a' && b <= 'f') || (b >= 'A' && b <= 'F'); }

frame make(frame_kind k, std::int32_t node = -1, std::uint8_t phase = 0) {
  frame f;
  f.kind = k;
  f.node = node;
  f.phase = phase;
  return f;
}

}  // namespace

json_matcher::json_matcher(std::shared_ptr<const grammar> g) : g_(std::move(g)) {
  state_.stacks.push_back({make(frame_kind::answer)});
}

std::string_view json_matcher::literal(int index) const {
  return index < 0 ? builtin[-index] : std::string_view(g_->literals[std::size_t(index)]);
}

// Consumes b on st (a private copy), appending every resulting stack to out.
void json_matcher::feed(stack st, unsigned char b, match_state& out, int& budget) const {
  const auto fork = [&](stack alt) {
    if (--budget > 0) feed(std::move(alt), b, out, budget);
  };
  const auto emit = [&] {
    if (out.stacks.size() < max_stacks) out.stacks.push_back(std::move(st));
  };
  while (!st.empty()) {
    frame& f = st.back();
    const bool deep = st.size() >= max_stack_depth;
    switch (f.kind) {
      case frame_kind::answer: {
        const bool calls = g_->answer == answer_kind::tool_calls;
        if (!calls) {
          if (f.phase != before) return;  // a complete value: only EOS
          f.phase = closed;
          st.push_back(make(frame_kind::value, g_->root));
          continue;
        }
        if (f.phase == before || (f.phase == closed && std::size_t(f.count) < g_->max_calls)) {
          const int text = f.phase == before ? lit_open : lit_next;
          f.phase = opened;
          st.push_back(make(frame_kind::literal, text));
        } else if (f.phase == opened) {
          f.phase = value_done;
          st.push_back(make(frame_kind::value, g_->root));
        } else if (f.phase == value_done) {
          f.phase = closed;
          ++f.count;
          st.push_back(make(frame_kind::literal, lit_close));
        } else {
          return;
        }
        continue;
      }
      case frame_kind::value: {
        const std::int32_t self = f.node;
        const node* n = self < 0 ? nullptr : &g_->nodes[std::size_t(self)];
        const node_kind k = n ? n->kind : node_kind::any;
        st.pop_back();  // f is gone from here on
        if (k == node_kind::any_of || k == node_kind::literal) {
          for (const int option : n->options) {
            stack alt = st;
            alt.push_back(k == node_kind::literal ? make(frame_kind::literal, option) : make(frame_kind::value, option));
            fork(std::move(alt));
          }
          return;
        }
        const bool any = k == node_kind::any;
        if (b == '{' && !deep && (any || k == node_kind::object || k == node_kind::free_object)) {
          st.push_back(make(frame_kind::object, any || k == node_kind::free_object ? -1 : self));
          return emit();
        }
        if (b == '[' && !deep && (any || k == node_kind::array)) {
          st.push_back(make(frame_kind::array, any ? -1 : self));
          return emit();
        }
        if (b == '"' && (any || k == node_kind::string)) {
          st.push_back(make(frame_kind::string));
          return emit();
        }
        if ((b == '-' || is_digit(b)) && (any || k == node_kind::number || k == node_kind::integer)) {
          frame num = make(frame_kind::number, any ? -1 : self);
          num.number.integer = k == node_kind::integer;
          st.push_back(num);
          continue;
        }
        if (any && (b == 't' || b == 'f' || b == 'n')) {
          st.push_back(make(frame_kind::literal, b == 't' ? lit_true : b == 'f' ? lit_false : lit_null));
          continue;
        }
        return;
      }
      case frame_kind::literal: {
        const std::string_view text = literal(f.node);
        if (text[f.offset] != char(b)) return;
        if (++f.offset == text.size()) st.pop_back();
        return emit();
      }
      case frame_kind::string:
        if (f.phase == 0) {
          if (b == '"') st.pop_back();
          else if (b == '\\') f.phase = 1;
          else if (b < 0x20) return;
        } else if (f.phase == 1) {
          if (b == 'u') f.phase = 2, f.offset = 0;
          else if (std::string_view("\"\\/bfnrt").find(char(b)) != std::string_view::npos) f.phase = 0;
          else return;
        } else {
          if (!is_hex(b)) return;
          if (++f.offset == 4) f.phase = 0;
        }
        return emit();
      case frame_kind::number: {
        static const number_bounds none;
        const number_bounds& bounds = f.node < 0 ? none : g_->nodes[std::size_t(f.node)].bounds;
        number_prefix next = f.number;
        if (next.push(char(b))) {
          if (!can_reach(next, bounds)) return;
          f.number = next;
          return emit();
        }
        if (!f.number.complete() || !within(f.number, bounds)) return;
        st.pop_back();  // the number ended; b belongs to what follows
        continue;
      }
      case frame_kind::object: {
        if (f.node < 0) {  // free object: any string keys, any values
          if ((f.phase == after_open || f.phase == after_comma) && b == '"') {
            f.phase = after_key;
            st.push_back(make(frame_kind::string));
          } else if ((f.phase == after_open || f.phase == after_value) && b == '}') {
            st.pop_back();
          } else if (f.phase == after_key && b == ':') {
            f.phase = after_value;
            st.push_back(make(frame_kind::value));
          } else if (f.phase == after_value && b == ',') {
            f.phase = after_comma;
          } else {
            return;
          }
          return emit();
        }
        const auto& props = g_->nodes[std::size_t(f.node)].properties;
        bool required_left = false;
        for (std::size_t i = std::size_t(f.count); i < props.size(); ++i) required_left |= props[i].required;
        if ((f.phase == after_open || f.phase == after_comma) && b == '"') {
          // Any property up to and including the next required one may come next.
          for (std::size_t i = std::size_t(f.count); i < props.size(); ++i) {
            frame keyed = f;
            keyed.phase = after_key;
            keyed.count = std::int32_t(i + 1);
            stack alt(st.begin(), st.end() - 1);
            alt.push_back(keyed);
            alt.push_back(make(frame_kind::literal, props[i].literal));
            if (out.stacks.size() < max_stacks) out.stacks.push_back(std::move(alt));
            if (props[i].required) break;
          }
          return;
        }
        if ((f.phase == after_open || f.phase == after_value) && b == '}' && !required_left) {
          st.pop_back();
        } else if (f.phase == after_key && b == ':') {
          f.phase = after_value;
          st.push_back(make(frame_kind::value, props[std::size_t(f.count - 1)].node));
        } else if (f.phase == after_value && b == ',' && std::size_t(f.count) < props.size()) {
          f.phase = after_comma;
        } else {
          return;
        }
        return emit();
      }
      case frame_kind::array: {
        const node* n = f.node < 0 ? nullptr : &g_->nodes[std::size_t(f.node)];
        const std::int64_t min = n ? n->min_items : 0, max = n ? n->max_items : -1;
        const int items = n ? n->items : -1;
        if (b == ']' && (f.phase == after_open || f.phase == after_value) && f.count >= min) {
          st.pop_back();
          return emit();
        }
        if (f.phase == after_value && b == ',' && (max < 0 || f.count < max)) {
          f.phase = after_comma;
          return emit();
        }
        if ((f.phase == after_open && (max < 0 || max > 0)) || f.phase == after_comma) {
          f.phase = after_value;
          ++f.count;
          st.push_back(make(frame_kind::value, items));
          continue;
        }
        return;
      }
    }
  }
}

void json_matcher::step(const match_state& in, unsigned char byte, match_state& out) const {
  out.stacks.clear();
  int budget = max_expansions_per_byte;
  for (const stack& s : in.stacks) feed(s, byte, out, budget);
}

bool json_matcher::advance(std::string_view bytes) {
  match_state cur = state_, next;
  for (const char c : bytes) {
    step(cur, static_cast<unsigned char>(c), next);
    if (next.stacks.empty()) return false;
    std::swap(cur, next);
  }
  state_ = std::move(cur);
  return true;
}

bool json_matcher::can_end(const match_state& s) const {
  for (const stack& st : s.stacks) {
    std::size_t top = st.size();
    // A number still open at the very end is complete once nothing more comes.
    if (top == 2 && st[1].kind == frame_kind::number && st[1].number.complete()) {
      static const number_bounds none;
      const number_bounds& b = st[1].node < 0 ? none : g_->nodes[std::size_t(st[1].node)].bounds;
      if (within(st[1].number, b)) top = 1;
    }
    if (top != 1) continue;
    const frame& a = st[0];
    if (g_->answer == answer_kind::value ? a.phase != before : a.phase == closed) return true;
  }
  return false;
}

bool json_matcher::in_plain_string(const match_state& s) {
  for (const stack& st : s.stacks)
    if (st.empty() || st.back().kind != frame_kind::string || st.back().phase != 0) return false;
  return !s.stacks.empty();
}

}  // namespace vlserve::model::grammar
