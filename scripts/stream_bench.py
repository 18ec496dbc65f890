#!/usr/bin/env python3
"""Load client for a running vlserve (not a test): N concurrent greedy SSE streams.

Usage: scripts/stream_bench.py PORT STREAMS MAX_TOKENS
Prints one JSON line: time to first token (median), per-stream and aggregate decode tok/s.
Standard library only. Tokens are counted from the final usage chunk (`stream_options.include_usage`):
a delta can carry several tokens (the server holds back bytes of an unfinished UTF-8 character or
a possible stop string), so counting deltas undercounts; arrival times come from the deltas, and
the steady window scales its delta count by the stream's tokens per delta.

Two aggregates: `aggregate_decode_tok_s` spans from the first stream's first token to the last
stream's last token, so it includes the ramp (the other prompts are still being read, the batch is
smaller than STREAMS) and the tail; `steady_decode_tok_s` counts only the tokens that arrive while
every stream is decoding (from the last first token to the first last token), which is the rate
`vlserve bench` reports for a batch of STREAMS.
"""
import http.client
import json
import sys
import threading
import time

from sse_chunks import sse_chunks


def one_stream(port, index, max_tokens, results):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=3600)
    body = json.dumps({"messages": [{"role": "user", "content": f"Write a long story number {index}."}],
                       "max_tokens": max_tokens, "temperature": 0, "stream": True,
                       "stream_options": {"include_usage": True}})
    started = time.time()
    conn.request("POST", "/v1/chat/completions", body, {"Content-Type": "application/json"})
    response = conn.getresponse()
    first = last = None
    count = 0
    arrivals = []
    usage_tokens = None
    for chunk in sse_chunks(response):
        if chunk.get("usage"):
            usage_tokens = chunk["usage"].get("completion_tokens")
        choices = chunk.get("choices") or []
        delta = choices[0].get("delta", {}) if choices else {}
        if delta.get("reasoning_content") or delta.get("content"):
            last = time.time()
            first = first or last
            count += 1
            arrivals.append(last)
    if first is not None:
        results.append((first - started, last - first, usage_tokens or count, arrivals))


def main():
    port, streams, max_tokens = (int(a) for a in sys.argv[1:4])
    results = []
    threads = [threading.Thread(target=one_stream, args=(port, i, max_tokens, results)) for i in range(streams)]
    started = time.time()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.time() - started
    if not results:
        sys.exit("no stream produced a token")
    ttft = sorted(r[0] for r in results)
    span = max(r[0] + r[1] for r in results) - min(r[0] for r in results)
    # The window in which every stream decodes: tokens after the last first token, up to the
    # first last token (each stream's first token in the window starts its gap).
    window_start = max(r[3][0] for r in results)
    window_end = min(r[3][-1] for r in results)
    in_window = sum(r[2] / len(r[3]) * sum(1 for t in r[3] if window_start < t <= window_end)
                    for r in results)
    steady = in_window / (window_end - window_start) if window_end > window_start and len(results) == streams else None
    print(json.dumps({
        "streams": streams,
        "ttft_median_s": round(ttft[len(ttft) // 2], 3),
        "tokens": [r[2] for r in results],
        "per_stream_tok_s": [round((r[2] - 1) / r[1], 3) if r[1] > 0 else None for r in results],
        "aggregate_decode_tok_s": round(sum(r[2] - 1 for r in results) / max(span, 1e-9), 3),
        "steady_decode_tok_s": round(steady, 3) if steady else None,
        "wall_s": round(wall, 1),
    }))


if __name__ == "__main__":
    main()
