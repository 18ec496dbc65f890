// Shared by the page's end-to-end test (ui_chat.mjs) and scripts/ui_screenshots.mjs: the real
// `vlserve serve` with the tiny fixture model, a loopback TCP proxy the test can cut, headless
// Debian Chromium through playwright-core, and a small PNG encoder for test images.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';

// Debian's package; VLSERVE_CHROMIUM names another Chromium build (e.g. chromium-browser elsewhere).
export const CHROMIUM = process.env.VLSERVE_CHROMIUM || '/usr/bin/chromium';
const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..', '..');

export function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

// Polls `check` (async, truthy = done) every 50 ms for at most `ms`.
export async function waitFor(what, check, ms = 30000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(50);
  }
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

const madeDirs = [];
export function tempDir(name) {
  const dir = mkdtempSync(path.join(tmpdir(), `vlserve-ui-${name}-`));
  madeDirs.push(dir);
  return dir;
}

// Removes every tempDir() (call once the servers are gone; keep them when something failed).
export function removeTempDirs() {
  for (const dir of madeDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

// `vlserve serve` on `port` with `db` as SESSIONS_DB_PATH, ready when it resolves.
export async function startServer({ port, db, env = {}, logName = 'server' }) {
  const bin = process.env.VLSERVE_BIN || path.join(root, 'build', 'vlserve');
  const fixtures = process.env.VLSERVE_FIXTURES || path.join(root, 'tests', 'fixtures');
  const logPath = path.join(db, '..', `${logName}-${Date.now()}.log`);
  const log = openSync(logPath, 'a');
  const proc = spawn(bin, ['serve'], {
    env: {
      PATH: process.env.PATH,
      HOST: '127.0.0.1',
      PORT: String(port),
      MODEL_REPO_ID: path.join(fixtures, 'qwen3vl-tiny', 'model'),
      TORCH_DTYPE: 'float32',
      SESSIONS_DB_PATH: db,
      PERSIST_SESSIONS: '1',
      SERVED_MODEL_NAME: 'qwen3-vl',
      THREADS: '1',
      ...env,
    },
    stdio: ['ignore', log, log],
  });
  let exited = null;
  proc.on('exit', (code, signal) => {
    exited = { code, signal };
  });
  const server = {
    port,
    proc,
    logPath,
    log: () => readFileSync(logPath, 'utf8'),
    async kill(signal = 'SIGKILL') {
      if (exited) return;
      const gone = new Promise((resolve) => proc.once('exit', resolve));
      proc.kill(signal);
      await gone;
    },
  };
  const headers = env.API_KEY ? { Authorization: `Bearer ${env.API_KEY.split(',')[0]}` } : {};
  await waitFor('the server to be ready', async () => {
    if (exited) throw new Error(`vlserve exited during start-up (${JSON.stringify(exited)}):\n${server.log()}`);
    try {
      const r = await fetch(`http://127.0.0.1:${port}/health`, { headers });
      return r.status === 200;
    } catch {
      return false;
    }
  }, 60000);
  return server;
}

// A loopback proxy in front of `targetPort`. `cutStreams(bytes, times)` makes the next `times`
// event-stream responses die after `bytes` bytes (mid-event, like a network drop); `cuts` counts.
export async function startProxy(targetPort) {
  const sockets = new Set();
  const proxy = { cuts: 0, cutAfter: Infinity, cutsLeft: 0 };
  const server = net.createServer((client) => {
    const upstream = net.connect(targetPort, '127.0.0.1');
    sockets.add(client);
    sockets.add(upstream);
    let sent = 0;
    let stream = false;
    const close = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('data', (d) => upstream.write(d));
    upstream.on('data', (d) => {
      // Bytes count from the event stream's headers on (a kept-alive connection may have carried
      // the page's files first); a cut before any response byte would make Chromium resend the POST.
      if (!stream && d.toString('latin1').includes('text/event-stream')) {
        stream = proxy.cutsLeft > 0;
        sent = 0;
      }
      if (stream && sent + d.length > proxy.cutAfter) {
        client.write(d.subarray(0, proxy.cutAfter - sent));
        proxy.cuts += 1;
        proxy.cutsLeft -= 1;
        close();
        return;
      }
      sent += d.length;
      client.write(d);
    });
    client.on('error', close);
    upstream.on('error', close);
    client.on('close', close);
    upstream.on('close', close);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  proxy.port = server.address().port;
  proxy.cutStreams = (bytes, times) => {
    proxy.cutAfter = bytes;
    proxy.cutsLeft = times;
  };
  proxy.close = () => {
    for (const s of sockets) s.destroy();
    return new Promise((resolve) => server.close(resolve));
  };
  return proxy;
}

export async function launchBrowser() {
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--no-first-run'],
  });
}

// Every event of session `id` as the server stores it (a full replay up to [DONE]).
export async function storedEvents(port, id, headers = {}) {
  const r = await fetch(`http://127.0.0.1:${port}/v1/sessions/${id}/events`, { headers });
  if (r.status !== 200) throw new Error(`GET /v1/sessions/${id}/events → ${r.status}`);
  const reader = r.body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  while (!text.includes('data: [DONE]\n\n')) {
    const { value, done } = await reader.read();
    if (done) break;
    text += decoder.decode(value, { stream: true });
  }
  reader.cancel().catch(() => {});
  const events = [];
  for (const block of text.split('\n\n')) {
    const id = /^id: (.*)$/m.exec(block);
    const data = /^data: (.*)$/m.exec(block);
    if (data && data[1] !== '[DONE]') events.push({ id: id && id[1], chunk: JSON.parse(data[1]) });
  }
  return events;
}

// The reasoning, answer and finish_reason a stored event log adds up to.
export function textOf(events) {
  const out = { reasoning: '', answer: '', finish: null, count: events.length };
  for (const { chunk } of events) {
    const choice = chunk.choices && chunk.choices[0];
    if (!choice) continue;
    if (typeof choice.delta.reasoning_content === 'string') out.reasoning += choice.delta.reasoning_content;
    if (typeof choice.delta.content === 'string') out.answer += choice.delta.content;
    if (choice.finish_reason) out.finish = choice.finish_reason;
  }
  return out;
}

// A PNG of width×height whose pixel (x, y) is pixel(x, y) → [r, g, b] (8-bit RGB, no filter).
export function makePng(width, height, pixel) {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (buf) => {
    let c = 0xffffffff;
    for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type, data) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const sum = Buffer.alloc(4);
    sum.writeUInt32BE(crc(body));
    return Buffer.concat([len, body, sum]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8;   // bit depth
  header[9] = 2;   // RGB
  const raw = Buffer.alloc(height * (1 + width * 3));
  for (let y = 0; y < height; y += 1) {
    for (let x = 0; x < width; x += 1) {
      const [r, g, b] = pixel(x, y);
      const at = y * (1 + width * 3) + 1 + x * 3;
      raw[at] = r;
      raw[at + 1] = g;
      raw[at + 2] = b;
    }
  }
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', header),
    chunk('IDAT', zlib.deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

export function chromiumMissing() {
  return !existsSync(CHROMIUM);
}

// The page's own helpers, driven the way a user would.
export async function configure(page, { apiKey, temperature, maxTokens, thinkingBudget }) {
  await page.click('#open-settings');
  if (apiKey !== undefined) await page.fill('#api-key', apiKey);
  if (temperature !== undefined) await page.fill('#temperature', String(temperature));
  if (maxTokens !== undefined) await page.fill('#max-tokens', String(maxTokens));
  if (thinkingBudget !== undefined) await page.fill('#thinking-budget', String(thinkingBudget));
  await page.click('#save-settings');
  await page.waitForSelector('#settings', { state: 'hidden' });
}

export async function sendMessage(page, text) {
  await page.fill('#prompt', text);
  await page.press('#prompt', 'Enter');
}
