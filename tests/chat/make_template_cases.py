#!/usr/bin/env python3
# Offline oracle, not run by the test suite: renders hand-built conversations with the fixture's
# chat template under transformers' apply_chat_template settings (jinja2 sandbox, trim/lstrip
# blocks, tojson = json.dumps(ensure_ascii=False)) and writes template_cases.json next to it.
# Usage: python3 tests/chat/make_template_cases.py   (needs jinja2 >= 3.1)
import json
import os

import jinja2.ext
from jinja2.sandbox import ImmutableSandboxedEnvironment

HERE = os.path.dirname(os.path.abspath(__file__))
TEMPLATE = os.path.join(HERE, "..", "fixtures", "qwen3vl-tiny", "model", "chat_template.json")


def tojson(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False):
    return json.dumps(x, ensure_ascii=ensure_ascii, indent=indent, separators=separators, sort_keys=sort_keys)


WEATHER = {"type": "function", "function": {
    "name": "get_weather", "description": "Current weather for a city. Uses \"quotes\" & <tags>\n",
    "parameters": {"type": "object", "properties": {
        "city": {"type": "string", "description": "城市 name, e.g. Zürich"},
        "unit": {"type": "string", "enum": ["c", "f"]}},
        "required": ["city"]}}}
SEARCH = {"type": "function", "function": {
    "name": "search", "parameters": {"type": "object", "properties": {
        "query": {"type": "string"}, "limit": {"type": "integer", "default": 10, "maximum": 1e3},
        "threshold": {"type": "number", "default": 0.5, "minimum": 1e-7, "huge": 1.5e16,
                      "whole": 2.0, "neg": -0.0, "tab\tkey": "ctl\u0001\u001f\u007f", "empty": {},
                      "list": [], "flags": [True, False, None]}}}}}

IMG = {"type": "image", "image": "https://example.com/a.png"}
VID = {"type": "video", "video": "https://example.com/v.mp4"}


def text(t):
    return {"type": "text", "text": t}


def call(name, args, id_="call_1"):
    return {"id": id_, "type": "function", "function": {"name": name, "arguments": args}}


CASES = [
    ("tools_with_system_and_tool_responses", [
        {"role": "system", "content": "You are a weather bot."},
        {"role": "user", "content": "Weather in Paris and Rome?"},
        {"role": "assistant", "content": "",
         "tool_calls": [call("get_weather", "{\"city\": \"Paris\"}"),
                        call("get_weather", "{\"city\":\"Rome\"}", "call_2")]},
        {"role": "tool", "tool_call_id": "call_1", "content": "{\"temp\": 18}"},
        {"role": "tool", "tool_call_id": "call_2", "content": "{\"temp\": 25}"},
    ], [WEATHER, SEARCH], {}),
    ("tools_without_system_object_arguments", [
        {"role": "user", "content": "Find cats"},
        {"role": "assistant", "content": "Let me search.\n",
         "tool_calls": [call("search", {"query": "cats \"fluffy\"\n", "limit": 3, "threshold": 0.25,
                                        "big": 1e20, "tiny": 5e-05, "nested": {"a": [1, 2.5, "é"]}})]},
        {"role": "tool", "content": "3 results"},
        {"role": "assistant", "content": "Found 3 cats."},
        {"role": "user", "content": "Thanks"},
    ], [SEARCH], {}),
    ("reasoning_content_before_and_after_last_query", [
        {"role": "user", "content": "Q1"},
        {"role": "assistant", "reasoning_content": "thinking about Q1", "content": "A1"},
        {"role": "user", "content": "Q2"},
        {"role": "assistant", "reasoning_content": "\n\nplan a call\n\n", "content": "\n\nCalling.",
         "tool_calls": [call("get_weather", "{\"city\": \"Oslo\"}")]},
        {"role": "tool", "content": "cold"},
        {"role": "assistant", "reasoning_content": "", "content": "It is cold. </think> literal"},
        {"role": "tool", "content": "extra"},
        {"role": "assistant", "content": "<think>\nfinal thought\n</think>\n\nDone."},
    ], [WEATHER], {"add_generation_prompt": False}),
    ("think_blocks_split_from_content", [
        {"role": "system", "content": "sys"},
        {"role": "user", "content": "first"},
        {"role": "assistant", "content": "<think>\nold reasoning\n</think>\n\nold answer"},
        {"role": "user", "content": "second"},
        {"role": "assistant", "content": "no think here"},
        {"role": "assistant", "content": "pre<think>\n\na\n<think>b\n\n</think>mid</think>\n\ntail"},
    ], [], {"add_generation_prompt": False}),
    ("last_assistant_without_reasoning_gets_empty_think", [
        {"role": "user", "content": "hi"},
        {"role": "assistant", "content": "\nhello"},
    ], [], {"add_generation_prompt": False}),
    ("multi_step_tool_user_turn_is_not_a_query", [
        {"role": "user", "content": "real question"},
        {"role": "assistant", "reasoning_content": "r-a", "content": "a"},
        {"role": "user", "content": "<tool_response>\nrelayed\n</tool_response>"},
        {"role": "assistant", "reasoning_content": "r-b", "content": "b"},
    ], [], {}),
    ("system_part_list_with_vision_ids", [
        {"role": "system", "content": [text("Look: "), IMG, text(" ok")]},
        {"role": "user", "content": [IMG, text("and"), VID, {"type": "image_url", "image_url": {"url": "x"}}]},
        {"role": "assistant", "content": [text("Seen.")]},
        {"role": "system", "content": [text("late system "), VID]},
        {"role": "user", "content": [{"image": "y"}, text("q")]},
    ], [], {"add_vision_id": True}),
    ("system_part_list_with_tools_and_vision_ids", [
        {"role": "system", "content": [IMG, text("sys text")]},
        {"role": "user", "content": [IMG, text("what?")]},
    ], [WEATHER], {"add_vision_id": True}),
    ("system_part_list_without_vision_ids", [
        {"role": "system", "content": [text("A"), IMG, text("B")]},
        {"role": "user", "content": [VID, text("C")]},
    ], [], {}),
    ("tool_message_first_and_no_user_query", [
        {"role": "tool", "content": "orphan"},
        {"role": "assistant", "reasoning_content": "r", "content": "x"},
    ], [], {}),
    ("empty_tools_list_is_no_tools", [
        {"role": "system", "content": ""},
        {"role": "user", "content": ""},
    ], [], {}),
]

JSON_TEXTS = [
    '{"b": 1, "a": [1, 2, {"c": null}], "d": true}',
    '  {"x":1.0,"y":1e5,"z":-1.5E-7,"w":0.0001,"v":0.00001,"u":1e16,"t":9999999999999998.0}  ',
    '[12345678901234567890123, -0, 0.1, 100.0, 3.14159265358979, 1e300, 5e-324, -2.5e-5]',
    '"esc \\" \\\\ \\/ \\b \\f \\n \\r \\t \\u0001 \\u001f \\u007f \\u00e9 \\u4e2d \\ud83d\\ude00"',
    '{"nested": {"deep": [[[]], {}, [{}]]}, "unicode": "Zürich 東京 😀"}',
    '[]', '{}', 'null', 'true', '0', '-12', '1.5',
]


def main():
    with open(TEMPLATE) as f:
        source = json.load(f)["chat_template"]
    env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True, extensions=[jinja2.ext.loopcontrols])
    env.filters["tojson"] = tojson
    template = env.from_string(source)
    cases = []
    for name, messages, tools, opts in CASES:
        kwargs = {"add_generation_prompt": opts.get("add_generation_prompt", True),
                  "add_vision_id": opts.get("add_vision_id", False)}
        expected = template.render(messages=messages, tools=tools or None, **kwargs)
        cases.append({"name": name, "messages": messages, "tools": tools, **kwargs, "expected": expected})
    json_cases = [{"input": t, "expected": json.dumps(json.loads(t), ensure_ascii=False)} for t in JSON_TEXTS]
    with open(os.path.join(HERE, "template_cases.json"), "w") as f:
        json.dump({"template_cases": cases, "json_cases": json_cases}, f, ensure_ascii=False, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
