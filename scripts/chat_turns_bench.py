#!/usr/bin/env python3
"""Conversation benchmark for a running vlserve (not a test): time to first token per chat turn.

Usage: scripts/chat_turns_bench.py PORT [TURNS] [SYSTEM_WORDS] [IMAGE_FILE]
Sends a TURNS-turn chat (default 6) with a system prompt of about SYSTEM_WORDS words (default
1100, ~1,500 tokens) and, when IMAGE_FILE is given, that image in turn 1. Each turn re-sends the
whole history, as chat clients do: the earlier answers (their content; the template drops the
reasoning) and the new question. Prints one line per turn (time to first token, prompt tokens,
reused tokens from usage.prompt_tokens_details.cached_tokens) and a JSON line. Run it once against
a server with PREFIX_CACHE_BYTES=0 and once with the cache on to compare. Standard library only.
"""
import base64
import http.client
import json
import sys
import time

from sse_chunks import sse_chunks

WORDS = ("harbour lantern keeper tide granite beacon stair window storm gull rope fog ledger bell "
         "compass chart shelf lens brass oil wick keeper log signal vessel reef channel buoy night").split()


def system_prompt(words):
    text = " ".join(WORDS[(i * 7) % len(WORDS)] for i in range(words))
    return "You guide visitors through a lighthouse museum. Background notes: " + text


def turn(port, messages, max_tokens):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=3600)
    body = json.dumps({"messages": messages, "max_tokens": max_tokens, "temperature": 0,
                       "stream": True, "stream_options": {"include_usage": True}})
    started = time.time()
    conn.request("POST", "/v1/chat/completions", body, {"Content-Type": "application/json"})
    response = conn.getresponse()
    if response.status != 200:
        raise SystemExit(f"HTTP {response.status}: {response.read()[:300]!r}")
    first, content, usage = None, "", {}
    for chunk in sse_chunks(response):
        usage = chunk.get("usage") or usage
        for choice in chunk.get("choices") or []:
            delta = choice.get("delta", {})
            if delta.get("reasoning_content") or delta.get("content"):
                first = first or time.time()
            content += delta.get("content") or ""
    return (first or time.time()) - started, content, usage


def main():
    if len(sys.argv) < 2:
        raise SystemExit(__doc__)
    port = int(sys.argv[1])
    turns = int(sys.argv[2]) if len(sys.argv) > 2 else 6
    words = int(sys.argv[3]) if len(sys.argv) > 3 else 1100
    image = sys.argv[4] if len(sys.argv) > 4 else None
    messages = [{"role": "system", "content": system_prompt(words)}]
    results = []
    for t in range(1, turns + 1):
        question = f"Question {t}: what should I see on floor {t}?"
        if t == 1 and image:
            kind = "png" if image.endswith(".png") else "jpeg"
            with open(image, "rb") as f:
                url = f"data:image/{kind};base64," + base64.b64encode(f.read()).decode()
            content = [{"type": "image_url", "image_url": {"url": url}}, {"type": "text", "text": question}]
        else:
            content = question
        messages.append({"role": "user", "content": content})
        ttft, answer, usage = turn(port, messages, 16)
        messages.append({"role": "assistant", "content": answer})
        cached = (usage.get("prompt_tokens_details") or {}).get("cached_tokens", 0)
        results.append({"turn": t, "ttft_s": round(ttft, 3), "prompt_tokens": usage.get("prompt_tokens"),
                        "cached_tokens": cached})
        print(f"turn {t}: first token after {ttft:7.2f} s, prompt {usage.get('prompt_tokens')} tokens, "
              f"{cached} reused", flush=True)
    print(json.dumps({"turns": results}))


if __name__ == "__main__":
    main()
