#include "model/grammar/schema_compiler.hpp"

#include <algorithm>
#include <cmath>
#include <map>

#include "config/json.hpp"

namespace vlserve::model::grammar {
namespace {

using json = rapidjson::Value;

constexpr const char* annotation_keywords[] = {"title", "description", "default", "examples", "$comment",
                                               "$schema", "$id", "$defs", "definitions"};
constexpr const char* handled_keywords[] = {"type", "properties", "required", "additionalProperties", "items",
                                            "minItems", "maxItems", "enum", "const", "minimum", "maximum",
                                            "exclusiveMinimum", "exclusiveMaximum", "anyOf", "$ref"};

bool listed(std::string_view key, const auto& list) {
  return std::find(std::begin(list), std::end(list), key) != std::end(list);
}

std::string compact(const json& v) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  v.Accept(w);
  return std::string(buf.GetString(), buf.GetSize());
}

node of_kind(node_kind k) {
  node n;
  n.kind = k;
  return n;
}

std::string join(const std::string& path, const std::string& key) { return path.empty() ? key : path + "." + key; }

class compiler {
 public:
  // $refs resolve against `root` (each tool's parameters are a root of their own).
  void set_root(const json& root, std::string path) {
    root_ = &root;
    root_path_ = std::move(path);
    refs_.clear();
  }
  grammar& result() { return g_; }

  // A fixed {"name": "<name>", "arguments": <parameters>} object.
  int tool_call(const std::string& name, const json* parameters, const std::string& path) {
    const json name_value(rapidjson::StringRef(name.data(), name.size()));
    node n = of_kind(node_kind::object);
    n.properties.push_back({"name", add_literal("name\"", path), literal_node({&name_value}, path), true});
    const int args = parameters ? compile(*parameters, path, 0) : add(of_kind(node_kind::free_object));
    n.properties.push_back({"arguments", add_literal("arguments\"", path), args, true});
    return add(std::move(n));
  }

  int compile(const json& s, const std::string& path, int depth) {
    if (depth > max_schema_depth) fail(path, "nests deeper than " + std::to_string(max_schema_depth) + " levels");
    if (s.IsBool()) {
      if (!s.GetBool()) fail(path, "`false` admits no value");
      return add({});
    }
    if (!s.IsObject()) fail(path, "must be a schema object");
    for (const auto& m : s.GetObject()) {
      const std::string_view key(m.name.GetString(), m.name.GetStringLength());
      if (!listed(key, handled_keywords) && !listed(key, annotation_keywords))
        fail(join(path, std::string(key)), "is not supported in structured output (supported: type, properties, required, "
                                           "additionalProperties, items, minItems, maxItems, enum, const, minimum, "
                                           "maximum, exclusiveMinimum, exclusiveMaximum, anyOf, $ref, $defs)");
    }
    if (s.HasMember("$ref")) return reference(s["$ref"], join(path, "$ref"));
    if (s.HasMember("const")) return literal_node({&s["const"]});
    if (s.HasMember("enum")) return enum_node(s["enum"], join(path, "enum"));
    if (s.HasMember("anyOf")) return any_of(s["anyOf"], join(path, "anyOf"), depth);
    if (!s.HasMember("type")) return s.HasMember("properties") ? typed(s, "object", path, depth) : add({});
    const json& type = s["type"];
    if (type.IsString()) return typed(s, type.GetString(), path, depth);
    if (!type.IsArray() || type.Empty()) fail(join(path, "type"), "must be a type name or a non-empty list of them");
    node alt = of_kind(node_kind::any_of);
    for (const json& t : type.GetArray()) {
      if (!t.IsString()) fail(join(path, "type"), "must list type names");
      alt.options.push_back(typed(s, t.GetString(), path, depth));
    }
    return add(std::move(alt));
  }

 private:
  [[noreturn]] static void fail(const std::string& path, const std::string& message) {
    throw schema_error((path.empty() ? "the schema" : path) + " " + message, path);
  }

  int add(node n) {
    if (g_.nodes.size() >= max_nodes) fail("", "compiles to more than " + std::to_string(max_nodes) + " nodes");
    g_.nodes.push_back(std::move(n));
    return int(g_.nodes.size() - 1);
  }

  int add_literal(std::string text, const std::string& path) {
    if (g_.literals.size() >= max_literals) fail(path, "has more than " + std::to_string(max_literals) + " enum values and keys");
    if (text.empty() || text.size() > max_literal_bytes)
      fail(path, "holds a value longer than " + std::to_string(max_literal_bytes) + " bytes");
    g_.literals.push_back(std::move(text));
    return int(g_.literals.size() - 1);
  }

  int literal_node(std::vector<const json*> values, const std::string& path = "") {
    node n = of_kind(node_kind::literal);
    for (const json* v : values) n.options.push_back(add_literal(compact(*v), path));
    return add(std::move(n));
  }

  int enum_node(const json& e, const std::string& path) {
    if (!e.IsArray() || e.Empty()) fail(path, "must be a non-empty array");
    std::vector<const json*> values;
    for (const json& v : e.GetArray()) values.push_back(&v);
    return literal_node(values, path);
  }

  int any_of(const json& list, const std::string& path, int depth) {
    if (!list.IsArray() || list.Empty()) fail(path, "must be a non-empty array of schemas");
    node n = of_kind(node_kind::any_of);
    for (rapidjson::SizeType i = 0; i < list.Size(); ++i)
      n.options.push_back(compile(list[i], path + "[" + std::to_string(i) + "]", depth + 1));
    return add(std::move(n));
  }

  // "#", "#/$defs/name" or "#/definitions/name"; compiled once, so recursion is a cycle.
  int reference(const json& ref, const std::string& path) {
    if (!ref.IsString()) fail(path, "must be a string");
    const std::string r = ref.GetString();
    if (const auto it = refs_.find(r); it != refs_.end()) return it->second;
    const json& root_ = *this->root_;
    const json* target = nullptr;
    for (const char* section : {"#/$defs/", "#/definitions/"}) {
      const std::string prefix = section;
      if (r.rfind(prefix, 0) != 0) continue;
      const std::string name = r.substr(prefix.size());
      const char* key = prefix == "#/$defs/" ? "$defs" : "definitions";
      if (root_.HasMember(key) && root_[key].IsObject() && root_[key].HasMember(name.c_str()))
        target = &root_[key][name.c_str()];
    }
    if (r == "#") target = &root_;
    if (!target) fail(path, "'" + r + "' is not found; use #/$defs/<name> or #/definitions/<name>");
    // Reserve the node first: a reference back to it from inside compiles to this index.
    const int slot = add({});
    refs_[r] = slot;
    const int body = compile(*target, join(root_path_, r.substr(std::min<std::size_t>(2, r.size()))), 0);
    g_.nodes[std::size_t(slot)] = of_kind(node_kind::any_of);
    g_.nodes[std::size_t(slot)].options = {body};
    return slot;
  }

  double number_of(const json& s, const char* key, const std::string& path) {
    if (!s[key].IsNumber()) fail(join(path, key), "must be a number");
    return s[key].GetDouble();
  }

  int typed(const json& s, const std::string& type, const std::string& path, int depth) {
    if (type == "string") return add(of_kind(node_kind::string));
    if (type == "boolean") {
      const json t(true), f(false);
      return literal_node({&t, &f});
    }
    if (type == "null") {
      const json n;
      return literal_node({&n});
    }
    if (type == "number" || type == "integer") return number_node(s, type == "integer", path);
    if (type == "array") return array_node(s, path, depth);
    if (type == "object") return object_node(s, path, depth);
    fail(join(path, "type"), "'" + type + "' is not a JSON Schema type");
  }

  int number_node(const json& s, bool integer, const std::string& path) {
    node n = of_kind(integer ? node_kind::integer : node_kind::number);
    auto& b = n.bounds;
    if (s.HasMember("minimum")) b.lo = number_of(s, "minimum", path);
    if (s.HasMember("maximum")) b.hi = number_of(s, "maximum", path);
    if (s.HasMember("exclusiveMinimum")) {
      const double v = number_of(s, "exclusiveMinimum", path);
      if (v >= b.lo) b = {v, b.hi, true, b.hi_exclusive};
    }
    if (s.HasMember("exclusiveMaximum")) {
      const double v = number_of(s, "exclusiveMaximum", path);
      if (v <= b.hi) b = {b.lo, v, b.lo_exclusive, true};
    }
    if (integer) {  // integer bounds as inclusive whole numbers
      b.lo = b.lo_exclusive ? std::floor(b.lo) + 1 : std::ceil(b.lo);
      b.hi = b.hi_exclusive ? std::ceil(b.hi) - 1 : std::floor(b.hi);
      b.lo_exclusive = b.hi_exclusive = false;
    }
    if (b.lo > b.hi || (b.lo == b.hi && (b.lo_exclusive || b.hi_exclusive)))
      fail(path, "admits no number: its minimum is above its maximum");
    // Generated numbers have at most 12 integer digits.
    if (std::fabs(b.lo) >= 1e12 && std::isfinite(b.lo)) fail(join(path, "minimum"), "must be within ±1e12");
    if (std::fabs(b.hi) >= 1e12 && std::isfinite(b.hi)) fail(join(path, "maximum"), "must be within ±1e12");
    return add(std::move(n));
  }

  int array_node(const json& s, const std::string& path, int depth) {
    node n = of_kind(node_kind::array);
    n.items = s.HasMember("items") ? compile(s["items"], join(path, "items"), depth + 1) : add({});
    for (const char* key : {"minItems", "maxItems"}) {
      if (!s.HasMember(key)) continue;
      if (!s[key].IsInt64() || s[key].GetInt64() < 0 || s[key].GetInt64() > 4096)
        fail(join(path, key), "must be an integer in 0..4096");
      (std::string(key) == "minItems" ? n.min_items : n.max_items) = s[key].GetInt64();
    }
    if (n.max_items >= 0 && n.min_items > n.max_items) fail(join(path, "minItems"), "is above maxItems");
    return add(std::move(n));
  }

  int object_node(const json& s, const std::string& path, int depth) {
    const bool closed = s.HasMember("additionalProperties") && s["additionalProperties"].IsBool() &&
                        !s["additionalProperties"].GetBool();
    if (s.HasMember("additionalProperties") && !s["additionalProperties"].IsBool())
      fail(join(path, "additionalProperties"), "must be true or false (schemas for extra keys are not supported)");
    if (!s.HasMember("properties")) return add(of_kind(closed ? node_kind::object : node_kind::free_object));
    const json& props = s["properties"];
    if (!props.IsObject()) fail(join(path, "properties"), "must be an object");
    if (props.MemberCount() > max_properties) fail(join(path, "properties"), "has more than 256 properties");
    node n = of_kind(node_kind::object);
    for (const auto& m : props.GetObject()) {
      const std::string name(m.name.GetString(), m.name.GetStringLength());
      const std::string where = join(join(path, "properties"), name);
      for (const char c : name)
        if (c == '"' || c == '\\' || static_cast<unsigned char>(c) < 0x20)
          fail(where, "property names with quotes, backslashes or control characters are not supported");
      n.properties.push_back({name, add_literal(name + "\"", where), compile(m.value, where, depth + 1), false});
    }
    if (s.HasMember("required")) {
      const json& req = s["required"];
      if (!req.IsArray()) fail(join(path, "required"), "must be an array of property names");
      for (const json& r : req.GetArray()) {
        const auto it = std::find_if(n.properties.begin(), n.properties.end(),
                                     [&](const property& p) { return r.IsString() && p.name == r.GetString(); });
        if (it == n.properties.end()) fail(join(path, "required"), "names a property not in properties");
        it->required = true;
      }
    }
    return add(std::move(n));
  }

  const json* root_ = nullptr;
  std::string root_path_;
  grammar g_;
  std::map<std::string, int> refs_;
};

rapidjson::Document parse(std::string_view text, const std::string& what) {
  rapidjson::Document d;
  d.Parse<rapidjson::kParseIterativeFlag>(text.data(), text.size());
  if (d.HasParseError()) throw schema_error(what + " is not valid JSON", what == "the schema" ? "" : what);
  return d;
}

}  // namespace

grammar compile_schema(std::string_view schema_json) {
  const auto doc = parse(schema_json, "the schema");
  compiler c;
  c.set_root(doc, "");
  const int root = c.compile(doc, "", 0);
  grammar g = std::move(c.result());
  g.root = root;
  return g;
}

grammar compile_tool_calls(const std::vector<std::string>& tools_json, const std::string& only, bool parallel) {
  compiler c;
  node calls = of_kind(node_kind::any_of);
  std::vector<rapidjson::Document> docs(tools_json.size());
  for (std::size_t i = 0; i < tools_json.size(); ++i) {
    const std::string path = "tools[" + std::to_string(i) + "].function";
    docs[i] = parse(tools_json[i], path);
    const json* fn = docs[i].IsObject() && docs[i].HasMember("function") ? &docs[i]["function"] : nullptr;
    if (!fn || !fn->IsObject() || !fn->HasMember("name") || !(*fn)["name"].IsString())
      throw schema_error(path + ".name is required", path + ".name");
    const std::string name = (*fn)["name"].GetString();
    if (!only.empty() && name != only) continue;
    const json* params = fn->HasMember("parameters") ? &(*fn)["parameters"] : nullptr;
    if (params) c.set_root(*params, path + ".parameters");
    calls.options.push_back(c.tool_call(name, params, path + ".parameters"));
  }
  if (calls.options.empty()) throw schema_error("no tool matches tool_choice", "tool_choice");
  grammar g = std::move(c.result());
  g.nodes.push_back(std::move(calls));
  g.root = int(g.nodes.size() - 1);
  g.answer = answer_kind::tool_calls;
  g.max_calls = parallel ? max_tool_calls : 1;
  return g;
}

grammar any_object_grammar() {
  grammar g;
  g.nodes.push_back(of_kind(node_kind::free_object));
  g.root = 0;
  return g;
}

}  // namespace vlserve::model::grammar
