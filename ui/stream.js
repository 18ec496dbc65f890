// One assistant turn streamed over the public API, EventSource-style: every SSE event carries
// `id: <session_id>:<index>`; after a dropped connection or a server restart the turn re-attaches
// with GET /v1/sessions/{id}/events and `Last-Event-ID: <session_id>:<last index seen>`, so the
// server sends exactly the events after it. Indexes at or below the last one are dropped
// (duplicates) and a jump ahead is treated as a broken connection (never shown as a gap).

const RETRYABLE = new Set([408, 425, 429, 500, 502, 503, 504]);
const MAX_DELAY_MS = 5000;
const GIVE_UP_MS = 10 * 60 * 1000;

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

class BrokenStream extends Error {}

// 250 ms, 500 ms, 1 s, 2 s, 4 s, then every 5 s, each with up to 20 % jitter.
export function backoff(attempt) {
  const base = Math.min(MAX_DELAY_MS, 250 * 2 ** attempt);
  return base * (0.8 + Math.random() * 0.2);
}

export function parseEventId(id) {
  const colon = id.lastIndexOf(':');
  if (colon <= 0) return null;
  const index = Number(id.slice(colon + 1));
  return Number.isSafeInteger(index) ? { session: id.slice(0, colon), index } : null;
}

// Calls onEvent({id, data}) for every complete event of the response body; an event cut off by a
// dropped connection is never delivered. Resolves true after `data: [DONE]`, false at the end of
// the body (the server closed the stream early).
export async function readEvents(response, onEvent) {
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  let carry = '';  // a '\r' ending one read may be half of a '\r\n' split across two
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return false;
      let text = carry + decoder.decode(value, { stream: true });
      carry = text.endsWith('\r') ? '\r' : '';
      if (carry) text = text.slice(0, -1);
      buffer += text.replace(/\r\n?/g, '\n');
      let end;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        let id = null;
        const data = [];
        for (const line of block.split('\n')) {
          if (!line || line.startsWith(':')) continue;
          const colon = line.indexOf(':');
          const field = colon < 0 ? line : line.slice(0, colon);
          let value = colon < 0 ? '' : line.slice(colon + 1);
          if (value.startsWith(' ')) value = value.slice(1);
          if (field === 'id') id = value;
          else if (field === 'data') data.push(value);
        }
        if (!data.length) continue;
        if (data.length === 1 && data[0] === '[DONE]') return true;
        onEvent({ id, data: data.join('\n') });
      }
    }
  } finally {
    // The server keeps the connection alive after [DONE]; let it go.
    reader.cancel().catch(() => {});
  }
}

async function errorOf(response) {
  try {
    const body = await response.json();
    if (body && body.error && body.error.message) return new ApiError(response.status, body.error.message);
  } catch {
    // not JSON
  }
  return new ApiError(response.status, `HTTP ${response.status}`);
}

// A turn: `body` is the chat request (with session_id) or null when re-attaching after a reload.
// Callbacks: onChunk(chunk, index), onState('connecting'|'streaming'|'reconnecting'), resolves at
// [DONE] (or a finished session with nothing more), rejects with ApiError on a non-retryable answer.
export class Turn {
  constructor({ sessionId, lastIndex = -1, body = null, headers, onChunk, onState }) {
    this.sessionId = sessionId;
    this.lastIndex = lastIndex;
    this.body = body;
    this.headers = headers;
    this.onChunk = onChunk;
    this.onState = onState;
    this.reconnects = 0;
    this.abandoned = false;
    this.controller = new AbortController();
  }

  // Stops following the stream (the conversation was deleted); the session itself runs on.
  abandon() {
    this.abandoned = true;
    this.controller.abort();
  }

  accept(event) {
    const parsed = event.id && parseEventId(event.id);
    if (!parsed || parsed.session !== this.sessionId) throw new BrokenStream(`unexpected event id ${event.id}`);
    if (parsed.index <= this.lastIndex) return;
    if (parsed.index !== this.lastIndex + 1) throw new BrokenStream(`event ${parsed.index} after ${this.lastIndex}`);
    const chunk = JSON.parse(event.data);
    this.lastIndex = parsed.index;
    this.onChunk(chunk, parsed.index);
  }

  eventsRequest() {
    const headers = this.headers();
    if (this.lastIndex >= 0) headers['Last-Event-ID'] = `${this.sessionId}:${this.lastIndex}`;
    return fetch(`/v1/sessions/${encodeURIComponent(this.sessionId)}/events`,
      { headers, cache: 'no-store', signal: this.controller.signal });
  }

  postRequest() {
    return fetch('/v1/chat/completions', {
      method: 'POST',
      headers: { ...this.headers(), 'Content-Type': 'application/json' },
      body: JSON.stringify(this.body),
      cache: 'no-store',
      signal: this.controller.signal,
    });
  }

  async run() {
    // POST first for a new turn; otherwise (and after any failure) attach to the session's events.
    let post = this.body !== null && this.lastIndex < 0;
    let attempt = 0;
    let quietSince = Date.now();
    this.onState(post ? 'connecting' : 'reconnecting');
    while (!this.abandoned) {
      try {
        const response = await (post ? this.postRequest() : this.eventsRequest());
        if (response.status === 200) {
          this.onState('streaming');
          const before = this.lastIndex;
          if (await readEvents(response, (e) => this.accept(e))) return;
          if (this.lastIndex > before) {
            attempt = 0;
            quietSince = Date.now();
          }
        } else if (response.status === 204) {
          return;  // a finished session with nothing after our last event
        } else if (response.status === 404 && !post && this.lastIndex < 0 && this.body !== null) {
          post = true;  // the POST never reached the server: send it (same session id)
          continue;
        } else if (response.status === 409 && post) {
          post = false;  // an earlier POST did arrive: attach to it
          continue;
        } else if (!RETRYABLE.has(response.status)) {
          throw await errorOf(response);
        }
      } catch (err) {
        if (err instanceof ApiError) throw err;
        if (this.abandoned) return;
        // A network error, a cut-off body or a broken sequence: resume below.
      }
      // After a failed POST we cannot tell whether it arrived; the events route tells (404 = no).
      post = false;
      if (Date.now() - quietSince > GIVE_UP_MS) throw new ApiError(0, 'The server has not answered for 10 minutes.');
      this.reconnects += 1;
      this.onState('reconnecting');
      await new Promise((resolve) => setTimeout(resolve, backoff(attempt)));
      attempt += 1;
    }
  }
}
