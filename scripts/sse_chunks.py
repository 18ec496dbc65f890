"""The chat.completion.chunk objects of one vlserve SSE response (shared by the load scripts)."""
import json


def sse_chunks(response):
    """Yields each `data:` chunk as a dict until `[DONE]` or the end of the stream."""
    while True:
        line = response.fp.readline()
        if not line:
            return
        if not line.startswith(b"data: "):
            continue
        data = line[6:].strip()
        if data == b"[DONE]":
            return
        yield json.loads(data)
