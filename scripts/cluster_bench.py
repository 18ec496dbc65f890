#!/usr/bin/env python3
"""Cluster benchmark (not a test): aggregate decode tokens/s of 1, 2 and 3 nodes under one load.

Usage: scripts/cluster_bench.py VLSERVE_BIN MODEL_DIR [STREAMS] [MAX_TOKENS] [NODES...]
  e.g. scripts/cluster_bench.py build/vlserve /tmp/qwen-2b-random 6 48 1 2 3

For each node count it starts that many `vlserve serve` processes on loopback (node A lists the
others in CLUSTER_PEERS, all share a CLUSTER_SECRET), waits until A counts its peers, sends STREAMS
concurrent greedy SSE streams of MAX_TOKENS to A (A places them on the least busy node), and prints
one JSON line per node count. On one machine the nodes share its cores, so each node gets
THREADS = cores / nodes and the figure to compare is tokens/s per core; on real hosts run one node
per host with its own cores and compare the aggregate directly (README, "Cluster").
"""
import http.client
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from stream_bench import one_stream  # noqa: E402

SECRET = "cluster-bench-secret-0123456789"


def free_port():
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(port, path):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    conn.request("GET", path)
    r = conn.getresponse()
    return r.status, r.read().decode()


def metric(port, name):
    for line in get(port, "/metrics")[1].splitlines():
        if line.startswith(name + " "):
            return float(line.split()[1])
    return 0.0


def start(binary, model, workdir, name, threads, env):
    port = free_port()
    full = dict(os.environ, HOST="127.0.0.1", PORT=str(port), MODEL_REPO_ID=model, THREADS=str(threads),
                SESSIONS_DB_PATH=os.path.join(workdir, "db-" + name), CLUSTER_SECRET=SECRET, LOG_LEVEL="warn",
                **env)
    proc = subprocess.Popen([binary, "serve"], env=full, stdout=open(os.path.join(workdir, name + ".log"), "w"),
                            stderr=subprocess.STDOUT)
    return proc, port


def wait_ready(port, proc, seconds=300):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if proc.poll() is not None:
            sys.exit("a node exited while starting")
        try:
            if get(port, "/health")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    sys.exit("a node was not ready in time")


def run(binary, model, streams, max_tokens, nodes):
    cores = os.cpu_count() or 1
    threads = max(1, cores // nodes)
    workdir = tempfile.mkdtemp(prefix="vlserve-cluster-bench-")
    procs = []
    try:
        peers = []
        for i in range(1, nodes):
            cport = free_port()
            proc, port = start(binary, model, workdir, "peer%d" % i, threads,
                               {"CLUSTER_PORT": str(cport), "CLUSTER_HOST": "127.0.0.1"})
            procs.append((proc, port))
            peers.append("127.0.0.1:%d" % cport)
        env = {"CLUSTER_PEERS": ",".join(peers)} if peers else {}
        front, front_port = start(binary, model, workdir, "front", threads, env)
        procs.append((front, front_port))
        for proc, port in procs:
            wait_ready(port, proc)
        deadline = time.time() + 60
        while peers and time.time() < deadline and metric(front_port, "vlserve_cluster_peers") < len(peers):
            time.sleep(0.2)
        results = []
        workers = [threading.Thread(target=one_stream, args=(front_port, i, max_tokens, results)) for i in range(streams)]
        began = time.time()
        for t in workers:
            t.start()
        for t in workers:
            t.join()
        wall = time.time() - began
        span = max(r[0] + r[1] for r in results) - min(r[0] for r in results)
        aggregate = sum(r[2] - 1 for r in results) / max(span, 1e-9)
        return {"nodes": nodes, "threads_per_node": threads, "cores": cores, "streams": streams,
                "max_tokens": max_tokens, "peers_joined": int(metric(front_port, "vlserve_cluster_peers")),
                "aggregate_decode_tok_s": round(aggregate, 3), "tok_s_per_core": round(aggregate / cores, 3),
                "ttft_median_s": round(sorted(r[0] for r in results)[len(results) // 2], 3), "wall_s": round(wall, 1)}
    finally:
        for proc, _ in procs:
            proc.terminate()
        for proc, _ in procs:
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                proc.kill()
        shutil.rmtree(workdir, ignore_errors=True)


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    binary, model = sys.argv[1], sys.argv[2]
    streams = int(sys.argv[3]) if len(sys.argv) > 3 else 6
    max_tokens = int(sys.argv[4]) if len(sys.argv) > 4 else 48
    counts = [int(n) for n in sys.argv[5:]] or [1, 2, 3]
    for nodes in counts:
        print(json.dumps(run(binary, model, streams, max_tokens, nodes)), flush=True)


if __name__ == "__main__":
    main()
