#!/usr/bin/env python3
"""Fairness benchmark for a running vlserve (not a test): what a long prompt does to a running stream.

Usage: scripts/fairness_bench.py PORT [--prompt-tokens N] [--rounds R] [--solo-seconds S]

Each round: stream A runs (greedy, EOS banned); its solo rate is measured for S seconds; then a
long prompt B (~N tokens) and right after it a short prompt C arrive. Measured: A's rate while B's
prompt is read (from B's send to B's first token), as a fraction of A's solo rate; B's and C's time
to first token. Prints one JSON line per round and a final line of medians. Standard library only;
every delta with text counts as one token. Run it on a quiet machine.
"""
import argparse
import http.client
import json
import statistics
import threading
import time

from sse_chunks import sse_chunks

NO_EOS = {"151643": -100, "151645": -100}


def post(port, body):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=7200)
    conn.request("POST", "/v1/chat/completions", json.dumps(body), {"Content-Type": "application/json"})
    response = conn.getresponse()
    if response.status != 200:
        raise SystemExit(f"HTTP {response.status}: {response.read().decode(errors='replace')}")
    return conn, response


def token_times(response, times, stop):
    """Appends the arrival time of every text delta until the stream ends or stop is set."""
    for chunk in sse_chunks(response):
        choices = chunk.get("choices") or []
        delta = choices[0].get("delta", {}) if choices else {}
        if delta.get("reasoning_content") or delta.get("content"):
            times.append(time.time())
        if stop.is_set():
            return


def first_token(port, body, out, key):
    sent = time.time()
    conn, response = post(port, body)
    for chunk in sse_chunks(response):
        choices = chunk.get("choices") or []
        delta = choices[0].get("delta", {}) if choices else {}
        if delta.get("reasoning_content") or delta.get("content"):
            out[key] = (sent, time.time())
            break
    conn.close()


def rate(times, start, end):
    inside = [t for t in times if start <= t <= end]
    return (len(inside) - 1) / (inside[-1] - inside[0]) if len(inside) >= 3 else 0.0


def one_round(port, n, prompt_tokens, solo_seconds):
    sid = f"fair-a-{int(time.time() * 1000)}-{n}"
    times, stop = [], threading.Event()
    conn, response = post(port, {"messages": [{"role": "user", "content": f"Write a long story {n}."}],
                                 "max_tokens": 8000, "temperature": 0, "stream": True,
                                 "logit_bias": NO_EOS, "session_id": sid})
    reader = threading.Thread(target=token_times, args=(response, times, stop))
    reader.start()
    while not times:
        time.sleep(0.05)
    time.sleep(solo_seconds)
    solo_end = time.time()
    solo = rate(times, solo_end - solo_seconds, solo_end)
    # ~1.3 tokens per word for this filler text; a round number makes every round's prompt differ.
    words = " ".join(f"w{n}x{i}" for i in range(prompt_tokens // 3))
    marks = {}
    long_one = threading.Thread(target=first_token, args=(port, {
        "messages": [{"role": "user", "content": words}], "max_tokens": 1, "stream": True}, marks, "long"))
    long_one.start()
    time.sleep(0.2)
    short_one = threading.Thread(target=first_token, args=(port, {
        "messages": [{"role": "user", "content": f"Hi {n}"}], "max_tokens": 1, "stream": True}, marks, "short"))
    short_one.start()
    long_one.join()
    short_one.join()
    sent, first = marks["long"]
    during = rate(times, sent, first)
    stop.set()
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    c.request("POST", f"/v1/cancel/{sid}")
    c.getresponse().read()
    reader.join()
    conn.close()
    return {"round": n, "solo_tok_s": round(solo, 3), "during_prefill_tok_s": round(during, 3),
            "kept": round(during / solo, 3) if solo else None,
            "long_prompt_ttft_s": round(first - sent, 2),
            "short_prompt_ttft_s": round(marks["short"][1] - marks["short"][0], 2)}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("port", type=int)
    ap.add_argument("--prompt-tokens", type=int, default=1024)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--solo-seconds", type=float, default=5.0)
    args = ap.parse_args()
    rounds = []
    for n in range(args.rounds):
        r = one_round(args.port, n, args.prompt_tokens, args.solo_seconds)
        print(json.dumps(r), flush=True)
        rounds.append(r)
    med = {k: statistics.median(r[k] for r in rounds if r[k] is not None)
           for k in ("solo_tok_s", "during_prefill_tok_s", "kept", "long_prompt_ttft_s", "short_prompt_ttft_s")}
    print(json.dumps({"median": med, "rounds": len(rounds)}))


if __name__ == "__main__":
    main()
