#!/usr/bin/env python3
"""A loopback HTTP server for the media fetch tests (standard library only).

Routes: /image.png (the file given by --image), /redirect/<n> (a chain of n relative 302s ending at
/image.png), /redirect-to?u=<url> (one 302 to u), /no-location (302 without Location), /status/<code>,
/empty (200, no body), /slow?s=<seconds> (waits before answering), /big?n=<bytes> (with
Content-Length), /big-chunked?n=<bytes> (chunked, no Content-Length). /_health and /_count (how many
other requests arrived) are for the test harness.
"""
import argparse
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

MAX_GENERATED = 64 << 20  # bound on /big bodies


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def send_body(self, status, body, headers=None):
        self.send_response(status)
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        url = urlsplit(self.path)
        query = parse_qs(url.query)
        path = url.path
        if path == "/_health":
            return self.send_body(200, b"ok")
        if path == "/_count":
            with self.server.lock:
                return self.send_body(200, str(self.server.count).encode())
        with self.server.lock:
            self.server.count += 1
        try:
            self.route(path, query)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (timeouts, size caps): expected in these tests

    def route(self, path, query):
        if path == "/image.png":
            return self.send_body(200, self.server.image, {"Content-Type": "image/png"})
        if path.startswith("/redirect/"):
            n = int(path.rsplit("/", 1)[1])
            target = "/image.png" if n <= 1 else "/redirect/%d" % (n - 1)
            return self.send_body(302, b"moved", {"Location": target})
        if path == "/redirect-to":
            return self.send_body(302, b"moved", {"Location": query["u"][0]})
        if path == "/no-location":
            return self.send_body(302, b"moved")
        if path.startswith("/status/"):
            return self.send_body(int(path.rsplit("/", 1)[1]), b"an error page")
        if path == "/empty":
            return self.send_body(200, b"", {"Content-Type": "image/png"})
        if path == "/slow":
            time.sleep(float(query["s"][0]))
            return self.send_body(200, self.server.image, {"Content-Type": "image/png"})
        if path == "/big":
            return self.send_body(200, b"x" * min(int(query["n"][0]), MAX_GENERATED))
        if path == "/big-chunked":
            return self.send_chunked(min(int(query["n"][0]), MAX_GENERATED))
        return self.send_body(404, b"no such route")

    def send_chunked(self, n):
        self.send_response(200)
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        chunk = b"y" * 65536
        while n > 0:
            part = chunk[:min(n, len(chunk))]
            self.wfile.write(b"%x\r\n%s\r\n" % (len(part), part))
            n -= len(part)
        self.wfile.write(b"0\r\n\r\n")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--image", required=True)
    args = p.parse_args()
    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    server.daemon_threads = True
    server.lock = threading.Lock()
    server.count = 0
    with open(args.image, "rb") as f:
        server.image = f.read()
    server.serve_forever()


if __name__ == "__main__":
    main()
