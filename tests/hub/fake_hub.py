#!/usr/bin/env python3
"""A loopback stand-in for the Hugging Face hub, for the hub download tests (standard library only).

It answers HEAD/GET {repo}/resolve/{revision}/{file} the way huggingface.co does: small files come
back directly with ETag = git blob sha1; LFS files (*.safetensors and files over 1 MiB) get a 302 to
/_blobs/<sha256> with X-Linked-Etag and X-Linked-Size; every answer carries X-Repo-Commit; failures
carry X-Error-Code. Each request is appended to --log as one JSON line (the token itself never is).

Repos: test-org/tiny-vl (the fixture files), test-org/gated-vl (the same, needs --token),
test-org/sharded-vl (model.safetensors cut into two shards plus an index).
"""
import argparse
import hashlib
import json
import os
import re
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

LFS_THRESHOLD = 1 << 20
CHUNK = 1 << 20


def git_blob_sha1(data):
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def commit_for(name):
    return hashlib.sha1(("commit of " + name).encode()).hexdigest()


class Repo:
    def __init__(self, name, files, gated=False):
        self.name = name
        self.files = files  # file name -> bytes
        self.gated = gated
        self.commit = commit_for(name)


def load_repos(model_dir):
    files = {}
    for entry in sorted(os.listdir(model_dir)):
        path = os.path.join(model_dir, entry)
        if os.path.isfile(path):
            with open(path, "rb") as f:
                files[entry] = f.read()
    sharded = {k: v for k, v in files.items() if k != "model.safetensors"}
    weights = files["model.safetensors"]
    half = len(weights) // 2
    shard_names = ["model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors"]
    sharded[shard_names[0]] = weights[:half]
    sharded[shard_names[1]] = weights[half:]
    index = {"metadata": {"total_size": len(weights)},
             "weight_map": {"a.weight": shard_names[0], "b.weight": shard_names[1], "c.weight": shard_names[0]}}
    sharded["model.safetensors.index.json"] = json.dumps(index, indent=2).encode()
    repos = [Repo("test-org/tiny-vl", files), Repo("test-org/gated-vl", files, gated=True),
             Repo("test-org/sharded-vl", sharded)]
    return {r.name: r for r in repos}


class State:
    def __init__(self, args):
        self.args = args
        self.repos = load_repos(args.model_dir)
        self.blobs = {}  # sha256 -> (file name, bytes), filled as LFS files are first asked for
        self.hashes = {}  # id(bytes) -> etag, computed once: repos share contents
        self.lock = threading.Lock()
        self.cut_done = False

    def log(self, record):
        with self.lock, open(self.args.log, "a") as f:
            f.write(json.dumps(record) + "\n")

    def etag(self, name, data, lfs):
        """sha256 for LFS files, git blob sha1 for the others, hashed on first use (fast startup)."""
        with self.lock:
            if id(data) not in self.hashes:
                self.hashes[id(data)] = hashlib.sha256(data).hexdigest() if lfs else git_blob_sha1(data)
                if lfs:
                    self.blobs[self.hashes[id(data)]] = (name, data)
            return self.hashes[id(data)]

    def take_cut(self, name):
        with self.lock:
            if self.args.cut_once != name or self.cut_done:
                return False
            self.cut_done = True
            return True


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "fake-hub/1"

    def log_message(self, fmt, *args):
        pass

    def do_HEAD(self):
        self.handle_request(head=True)

    def do_GET(self):
        self.handle_request(head=False)

    def handle_request(self, head):
        state = self.server.state
        state.log({"method": self.command, "path": self.path, "range": self.headers.get("Range", ""),
                   "auth": self.headers.get("Authorization") is not None})
        if self.path == "/_health":
            return self.reply(200, {}, b"ok", head)
        blob = re.fullmatch(r"/_blobs/([0-9a-f]{64})", self.path)
        if blob:
            return self.serve_blob(blob.group(1), head)
        m = re.fullmatch(r"/([^/]+/[^/]+)/resolve/([^/]+)/(.+)", self.path)
        if not m:
            return self.error(404, "RepoNotFound", "no such route")
        repo = state.repos.get(m.group(1))
        if repo is None:
            return self.error(404, "RepoNotFound", "Repository not found")
        if repo.gated:
            auth = self.headers.get("Authorization")
            if auth is None:
                return self.error(401, "GatedRepo", "Access to this model is restricted")
            if auth != "Bearer " + (state.args.token or ""):
                return self.error(403, "GatedRepo", "Your token has no access to this model")
        if m.group(2) not in ("main", repo.commit):
            return self.error(404, "RevisionNotFound", "Invalid rev id")
        name = m.group(3)
        data = repo.files.get(name)
        if data is None:
            return self.error(404, "EntryNotFound", "Entry not found", repo.commit)
        headers = {"X-Repo-Commit": repo.commit}
        lfs = name.endswith(".safetensors") or len(data) > LFS_THRESHOLD
        if lfs:
            sha = state.etag(name, data, True)
            host = self.headers.get("Host", "127.0.0.1")
            headers.update({"X-Linked-Etag": '"%s"' % sha, "X-Linked-Size": str(len(data)),
                            "ETag": '"%s"' % sha, "Location": "http://%s/_blobs/%s" % (host, sha)})
            return self.reply(302, headers, b"Found. Redirecting", head)
        headers["ETag"] = '"%s"' % state.etag(name, data, False)
        return self.reply(200, headers, data, head)

    def serve_blob(self, sha, head):
        state = self.server.state
        with state.lock:
            entry = state.blobs.get(sha)
        if entry is None:
            return self.error(404, "", "no such blob")
        name, data = entry
        if state.args.corrupt == name:
            middle = len(data) // 2
            data = data[:middle] + bytes([data[middle] ^ 0xFF]) + data[middle + 1:]
        start = 0
        status = 200
        headers = {"Accept-Ranges": "bytes"}
        rng = re.fullmatch(r"bytes=(\d+)-", self.headers.get("Range", ""))
        if rng:
            start = int(rng.group(1))
            if start >= len(data):
                headers["Content-Range"] = "bytes */%d" % len(data)
                return self.reply(416, headers, b"", head)
            status = 206
            headers["Content-Range"] = "bytes %d-%d/%d" % (start, len(data) - 1, len(data))
        body = data[start:]
        if not head and state.take_cut(name):
            # Announce the whole body, send half, then drop the connection.
            self.send_head(status, headers, len(body))
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
            self.connection.shutdown(socket.SHUT_RDWR)
            self.close_connection = True
            return
        return self.reply(status, headers, body, head)

    def error(self, status, code, message, commit=None):
        headers = {"X-Error-Message": message, "Content-Type": "application/json"}
        if code:
            headers["X-Error-Code"] = code
        if commit:
            headers["X-Repo-Commit"] = commit
        return self.reply(status, headers, json.dumps({"error": message}).encode(), False)

    def send_head(self, status, headers, length):
        self.send_response(status)
        for k, v in headers.items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(length))
        self.end_headers()

    def reply(self, status, headers, body, head):
        self.send_head(status, headers, len(body))
        if head or self.command == "HEAD":
            return
        for i in range(0, len(body), CHUNK):
            self.wfile.write(body[i:i + CHUNK])


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--model-dir", required=True)
    p.add_argument("--log", required=True)
    p.add_argument("--token", default="")
    p.add_argument("--cut-once", default="", help="file whose first blob GET is cut halfway")
    p.add_argument("--corrupt", default="", help="file whose blob is served with one byte flipped")
    args = p.parse_args()
    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    server.daemon_threads = True
    server.state = State(args)
    server.serve_forever()


if __name__ == "__main__":
    main()
