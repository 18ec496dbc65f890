// The chat page: conversations in IndexedDB, one Turn (stream.js) per running answer, rendering.
import { renderMarkdown } from './markdown.js';
import { ApiError, Turn } from './stream.js';
import { deleteConversation, loadConversations, loadSettings, saveConversation, saveSettings } from './store.js';

const $ = (id) => document.getElementById(id);
const ui = {
  sidebar: $('sidebar'), list: $('conversation-list'), newChat: $('new-chat'), toggleSidebar: $('toggle-sidebar'),
  modelName: $('model-name'), openSettings: $('open-settings'), settings: $('settings'),
  settingsForm: $('settings-form'), closeSettings: $('close-settings'), apiKey: $('api-key'),
  notice: $('notice'), noticeText: $('notice-text'), noticeAction: $('notice-action'),
  messages: $('messages'), announcer: $('announcer'), composer: $('composer'), attachments: $('attachments'),
  prompt: $('prompt'), attach: $('attach'), fileInput: $('file-input'), stop: $('stop'), send: $('send'),
};

const FINISH_NOTES = {
  cancelled: 'Stopped.',
  interrupted: 'Interrupted: the server restarted before this answer finished; this is what it had written.',
  length: 'Cut off at the token limit (max tokens).',
  error: 'The server reported an error while writing this answer.',
};

let settings = loadSettings();
let conversations = [];
let current = null;          // the conversation on screen
let pending = [];            // attachments of the next message: {kind, url, name}
const turns = new Map();     // session id → running Turn
const views = new WeakMap(); // assistant message → its DOM parts
const saveTimers = new Map();

function newId(prefix) {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  return prefix + Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

function authHeaders() {
  return settings.apiKey ? { Authorization: `Bearer ${settings.apiKey}` } : {};
}

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function button(label, className, onClick) {
  const b = el('button', `button ${className || ''}`.trim(), label);
  b.type = 'button';
  b.addEventListener('click', onClick);
  return b;
}

function announce(text) {
  ui.announcer.textContent = text;
}

// ---- notices (the API key prompt, load errors) ----

function showNotice(text, actionLabel, action) {
  ui.noticeText.textContent = text;
  ui.noticeAction.hidden = !actionLabel;
  ui.noticeAction.textContent = actionLabel || '';
  ui.noticeAction.onclick = action || null;
  ui.notice.hidden = false;
}

function hideNotice() {
  ui.notice.hidden = true;
}

function askForKey() {
  showNotice(settings.apiKey
    ? 'The server refused the API key saved in Settings. Enter a valid key.'
    : 'This server requires an API key. Enter it in Settings.', 'Set API key', () => openSettings(true));
}

// ---- settings ----

function openSettings(focusKey) {
  ui.settings.hidden = false;
  ui.openSettings.setAttribute('aria-expanded', 'true');
  for (const input of ui.settingsForm.querySelectorAll('input')) input.value = settings[input.name] ?? '';
  (focusKey ? ui.apiKey : ui.settingsForm.querySelector('input')).focus();
}

function closeSettings() {
  ui.settings.hidden = true;
  ui.openSettings.setAttribute('aria-expanded', 'false');
  ui.openSettings.focus();
}

ui.openSettings.addEventListener('click', () => (ui.settings.hidden ? openSettings(false) : closeSettings()));
ui.closeSettings.addEventListener('click', closeSettings);
ui.settingsForm.addEventListener('submit', (e) => {
  e.preventDefault();
  for (const input of ui.settingsForm.querySelectorAll('input')) settings[input.name] = input.value.trim();
  saveSettings(settings);
  hideNotice();
  closeSettings();
  announce('Settings saved.');
  loadModelName();
});
ui.settings.addEventListener('keydown', (e) => {
  if (e.key === 'Escape') closeSettings();
});

// ---- persistence ----

// Saves `conv` now, or within 250 ms (at most 4 writes a second while an answer streams). The
// record is copied when it is written, so text and last event index always match.
function touch(conv, immediately) {
  conv.updated = Date.now();
  if (conv.deleted) return;
  const save = () => {
    clearTimeout(saveTimers.get(conv.id));
    saveTimers.delete(conv.id);
    saveConversation(conv).catch((err) => showNotice(`Could not save the conversation in this browser: ${err}`));
  };
  if (immediately) save();
  else if (!saveTimers.has(conv.id)) saveTimers.set(conv.id, setTimeout(save, 250));
}

// ---- sidebar ----

function titleOf(conv) {
  const first = conv.messages.find((m) => m.role === 'user');
  if (!first) return 'New chat';
  const text = first.text.trim().replace(/\s+/g, ' ');
  if (text) return text.length > 48 ? `${text.slice(0, 47)}…` : text;
  return first.media.length ? `${first.media[0].kind === 'video' ? 'Video' : 'Image'} message` : 'New chat';
}

function renderList() {
  ui.list.replaceChildren();
  for (const conv of conversations) {
    const item = el('li', 'conversation');
    const open = button(titleOf(conv), 'conversation-open', () => {
      select(conv);
      closeSidebarOnPhone();
      ui.prompt.focus();
    });
    if (conv === current) open.setAttribute('aria-current', 'page');
    if (conv.messages.some((m) => m.state === 'streaming')) open.classList.add('running');
    const del = button('✕', 'icon conversation-delete', async () => {
      conv.deleted = true;
      clearTimeout(saveTimers.get(conv.id));
      saveTimers.delete(conv.id);
      for (const m of conv.messages) if (turns.has(m.sessionId)) turns.get(m.sessionId).abandon();
      conversations = conversations.filter((c) => c !== conv);
      await deleteConversation(conv.id);
      if (current === conv) select(conversations[0] || null);
      renderList();
    });
    del.setAttribute('aria-label', `Delete conversation “${titleOf(conv)}”`);
    item.append(open, del);
    ui.list.append(item);
  }
}

function closeSidebarOnPhone() {
  document.body.classList.remove('sidebar-open');
  ui.toggleSidebar.setAttribute('aria-expanded', 'false');
}

ui.toggleSidebar.addEventListener('click', () => {
  const open = document.body.classList.toggle('sidebar-open');
  ui.toggleSidebar.setAttribute('aria-expanded', String(open));
  if (open) ui.newChat.focus();
});
ui.sidebar.addEventListener('keydown', (e) => {
  if (e.key === 'Escape' && document.body.classList.contains('sidebar-open')) {
    closeSidebarOnPhone();
    ui.toggleSidebar.focus();
  }
});
ui.newChat.addEventListener('click', () => {
  select(null);
  closeSidebarOnPhone();
  ui.prompt.focus();
});

// ---- messages ----

function mediaNode(item) {
  if (item.kind === 'video') {
    const v = el('video', 'thumb');
    v.src = item.url;
    v.controls = true;
    v.preload = 'metadata';
    v.setAttribute('aria-label', item.name || 'video');
    return v;
  }
  const img = el('img', 'thumb');
  img.src = item.url;
  img.alt = item.name || 'attached image';
  return img;
}

function renderUser(msg) {
  const node = el('article', 'msg user');
  node.setAttribute('aria-label', 'You');
  if (msg.media.length) {
    const media = el('div', 'media');
    for (const item of msg.media) media.append(mediaNode(item));
    node.append(media);
  }
  if (msg.text) node.append(el('div', 'text', msg.text));
  return node;
}

function renderAssistant(conv, msg) {
  const node = el('article', 'msg assistant');
  node.setAttribute('aria-label', 'Assistant');
  node.dataset.sessionId = msg.sessionId;
  const thinking = el('details', 'thinking');
  const summary = el('summary', '', 'Thinking');
  const reasoning = el('div', 'reasoning');
  thinking.append(summary, reasoning);
  // Open while the model reasons, folded once the answer starts, unless the reader chose.
  thinking.open = msg.state === 'streaming' && !msg.answer;
  summary.addEventListener('click', () => {
    views.get(msg).userToggled = true;
  });
  const answer = el('div', 'answer markdown');
  const status = el('p', 'turn-status');
  status.setAttribute('role', 'status');
  const note = el('p', 'finish-note');
  const stats = el('p', 'stats');
  const actions = el('div', 'msg-actions');
  node.append(thinking, answer, status, note, stats, actions);
  const view = { node, thinking, summary, reasoning, answer, status, note, stats, actions, conv, drawn: null };
  views.set(msg, view);
  draw(msg);
  return node;
}

function formatStats(msg) {
  const parts = [];
  const s = msg.stats || {};
  if (s.ttftMs !== undefined) parts.push(`first token ${(s.ttftMs / 1000).toFixed(2)} s`);
  if (s.tokensPerSecond !== undefined) parts.push(`${s.tokensPerSecond.toFixed(1)} tokens/s`);
  if (msg.usage) parts.push(`${msg.usage.completion_tokens} tokens`);
  if (msg.reconnects) parts.push(`resumed ${msg.reconnects}×`);
  return parts.join(' · ');
}

// Updates an assistant message's DOM from its state (cheap enough to run per animation frame).
function draw(msg) {
  const v = views.get(msg);
  if (!v) return;
  v.node.dataset.state = msg.state;
  v.node.dataset.lastIndex = String(msg.lastIndex);
  v.thinking.hidden = !msg.reasoning;
  if (v.reasoning.textContent !== msg.reasoning) v.reasoning.textContent = msg.reasoning;
  v.summary.textContent = msg.state === 'streaming' && !msg.answer ? 'Thinking…' : 'Thinking';
  if (msg.answer && v.thinking.open && !v.userToggled) v.thinking.open = false;
  if (v.drawn !== msg.answer) {
    v.answer.replaceChildren(renderMarkdown(msg.answer));
    v.drawn = msg.answer;
  }
  const statusText = msg.state !== 'streaming' ? ''
    : msg.phase === 'reconnecting' ? 'Reconnecting…'
    : msg.phase === 'connecting' || (!msg.reasoning && !msg.answer) ? 'Waiting for the first token…' : '';
  v.status.textContent = statusText;
  v.status.classList.toggle('reconnecting', msg.phase === 'reconnecting' && msg.state === 'streaming');
  const note = msg.state === 'error' ? msg.error : FINISH_NOTES[msg.finish] || '';
  v.note.textContent = note;
  v.note.hidden = !note;
  v.note.className = `finish-note ${msg.state === 'error' ? 'error' : msg.finish || ''}`;
  v.stats.textContent = formatStats(msg);
  const last = v.conv.messages[v.conv.messages.length - 1] === msg;
  const wantRegenerate = last && msg.state !== 'streaming';
  if (wantRegenerate !== Boolean(v.actions.firstChild)) {
    v.actions.replaceChildren();
    if (wantRegenerate) {
      v.actions.append(button(msg.state === 'error' ? 'Retry' : 'Regenerate', 'regenerate', () => regenerate(v.conv)));
    }
  }
}

const dirty = new Set();
function redraw(msg) {
  if (!dirty.size) {
    requestAnimationFrame(() => {
      for (const m of dirty) draw(m);
      dirty.clear();
      stickToBottom();
    });
  }
  dirty.add(msg);
}

let followBottom = true;
ui.messages.addEventListener('scroll', () => {
  const m = ui.messages;
  followBottom = m.scrollHeight - m.scrollTop - m.clientHeight < 40;
});
function stickToBottom() {
  if (followBottom) ui.messages.scrollTop = ui.messages.scrollHeight;
}

function renderConversation() {
  ui.messages.replaceChildren();
  if (!current || !current.messages.length) {
    const empty = el('div', 'empty');
    empty.append(el('p', '', 'Ask something, or attach an image or a video.'),
      el('p', 'help', 'Answers keep streaming through dropped connections and server restarts.'));
    ui.messages.append(empty);
  } else {
    for (const msg of current.messages) {
      ui.messages.append(msg.role === 'user' ? renderUser(msg) : renderAssistant(current, msg));
    }
  }
  followBottom = true;
  stickToBottom();
  updateComposer();
}

function select(conv) {
  current = conv;
  renderList();
  renderConversation();
}

function runningIn(conv) {
  return conv ? conv.messages.find((m) => m.role === 'assistant' && m.state === 'streaming') : undefined;
}

function updateComposer() {
  const running = runningIn(current);
  ui.stop.hidden = !running;
  ui.send.disabled = Boolean(running);
  ui.messages.setAttribute('aria-busy', String(Boolean(running)));
}

// ---- requests ----

function contentOf(msg) {
  if (!msg.media.length) return msg.text;
  const parts = [];
  for (const item of msg.media) {
    parts.push(item.kind === 'video'
      ? { type: 'video_url', video_url: { url: item.url } }
      : { type: 'image_url', image_url: { url: item.url } });
  }
  if (msg.text) parts.push({ type: 'text', text: msg.text });
  return parts;
}

// The request that produces conv.messages[upTo] (an assistant message) from the turns before it.
function requestFor(conv, upTo) {
  const messages = [];
  for (const msg of conv.messages.slice(0, upTo)) {
    if (msg.role === 'user') messages.push({ role: 'user', content: contentOf(msg) });
    else if (msg.answer) messages.push({ role: 'assistant', content: msg.answer });
  }
  const target = conv.messages[upTo];
  const body = { messages, stream: true, stream_options: { include_usage: true }, session_id: target.sessionId };
  const p = target.params || {};
  if (p.temperature !== undefined) body.temperature = p.temperature;
  if (p.maxTokens !== undefined) body.max_tokens = p.maxTokens;
  if (p.thinkingBudget !== undefined) body.thinking_budget = p.thinkingBudget;
  return body;
}

function currentParams() {
  const params = {};
  const number = (text) => (text === '' || text === undefined ? undefined : Number(text));
  if (number(settings.temperature) !== undefined) params.temperature = number(settings.temperature);
  if (number(settings.maxTokens) !== undefined) params.maxTokens = Math.round(number(settings.maxTokens));
  if (number(settings.thinkingBudget) !== undefined) params.thinkingBudget = Math.round(number(settings.thinkingBudget));
  return params;
}

function applyChunk(msg, chunk, timing) {
  if (chunk.error) {
    msg.error = chunk.error.message || 'The server reported an error.';
    msg.finish = msg.finish || 'error';
  }
  if (chunk.usage) msg.usage = chunk.usage;
  const choice = chunk.choices && chunk.choices[0];
  if (!choice) return;
  const delta = choice.delta || {};
  const text = (typeof delta.reasoning_content === 'string' ? delta.reasoning_content : '') +
               (typeof delta.content === 'string' ? delta.content : '');
  if (typeof delta.reasoning_content === 'string') msg.reasoning += delta.reasoning_content;
  if (typeof delta.content === 'string') msg.answer += delta.content;
  if (text && timing && timing.first === undefined) timing.first = performance.now();
  if (choice.finish_reason) msg.finish = choice.finish_reason;
}

// Streams `msg` (an assistant message of `conv`) to its end; `timing` is null after a reload.
async function stream(conv, msg, timing) {
  const index = conv.messages.indexOf(msg);
  const turn = new Turn({
    sessionId: msg.sessionId,
    lastIndex: msg.lastIndex,
    body: msg.lastIndex < 0 ? requestFor(conv, index) : null,
    headers: authHeaders,
    onChunk: (chunk, eventIndex) => {
      applyChunk(msg, chunk, timing);
      msg.lastIndex = eventIndex;
      msg.reconnects = turn.reconnects;
      touch(conv);
      if (current === conv) redraw(msg);
    },
    onState: (phase) => {
      msg.phase = phase;
      msg.reconnects = turn.reconnects;
      if (current === conv) redraw(msg);
    },
  });
  turns.set(msg.sessionId, turn);
  renderList();
  try {
    await turn.run();
    msg.state = 'done';
    if (timing && timing.first !== undefined) {
      const end = performance.now();
      msg.stats = { ttftMs: timing.first - timing.sent };
      const tokens = msg.usage ? msg.usage.completion_tokens : 0;
      if (tokens > 1 && end > timing.first && !turn.reconnects) {
        msg.stats.tokensPerSecond = (tokens - 1) / ((end - timing.first) / 1000);
      }
    }
    announce(msg.finish === 'interrupted' ? 'The answer was interrupted by a server restart.' : 'Answer complete.');
  } catch (err) {
    msg.state = 'error';
    if (err instanceof ApiError && err.status === 401) {
      msg.error = 'The server needs an API key (401). Set it in Settings, then press Retry.';
      askForKey();
    } else {
      msg.error = err instanceof ApiError ? `${err.message} (HTTP ${err.status})` : String(err);
    }
    announce('The answer failed.');
  } finally {
    turns.delete(msg.sessionId);
  }
  msg.phase = '';
  if (turn.abandoned || conv.deleted) return;
  touch(conv, true);
  if (current === conv) {
    draw(msg);
    updateComposer();
  }
  renderList();
}

function startAssistant(conv) {
  const msg = {
    role: 'assistant', sessionId: newId('ui-'), lastIndex: -1, reasoning: '', answer: '', finish: null,
    state: 'streaming', phase: 'connecting', params: currentParams(), reconnects: 0,
  };
  conv.messages.push(msg);
  const timing = { sent: performance.now() };
  touch(conv, true);
  if (current === conv) {
    renderConversation();
  }
  stream(conv, msg, timing);
}

function send() {
  const text = ui.prompt.value.trim();
  if ((!text && !pending.length) || runningIn(current)) return;
  if (!current) {
    current = { id: newId('c-'), created: Date.now(), updated: Date.now(), messages: [] };
    conversations.unshift(current);
  }
  current.messages.push({ role: 'user', text, media: pending });
  pending = [];
  renderAttachments();
  ui.prompt.value = '';
  conversations.sort((a, b) => (a === current ? -1 : b === current ? 1 : b.updated - a.updated));
  startAssistant(current);
  renderList();
}

function regenerate(conv) {
  const last = conv.messages[conv.messages.length - 1];
  if (!last || last.role !== 'assistant' || last.state === 'streaming') return;
  conv.messages.pop();
  startAssistant(conv);
}

ui.composer.addEventListener('submit', (e) => {
  e.preventDefault();
  send();
});
ui.prompt.addEventListener('keydown', (e) => {
  if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
    e.preventDefault();
    send();
  }
});
ui.stop.addEventListener('click', async () => {
  const msg = runningIn(current);
  if (!msg) return;
  // The stream itself then ends with finish_reason "cancelled".
  try {
    const r = await fetch(`/v1/cancel/${encodeURIComponent(msg.sessionId)}`, { method: 'POST', headers: authHeaders() });
    if (r.status === 401) askForKey();
  } catch {
    // the running turn reconnects and learns the outcome
  }
  ui.prompt.focus();
});

// ---- attachments ----

function renderAttachments() {
  ui.attachments.replaceChildren();
  pending.forEach((item, i) => {
    const wrap = el('div', 'attachment');
    wrap.append(mediaNode(item));
    const remove = button('✕', 'icon remove-attachment', () => {
      pending.splice(i, 1);
      renderAttachments();
      ui.prompt.focus();
    });
    remove.setAttribute('aria-label', `Remove ${item.name || item.kind}`);
    wrap.append(remove);
    ui.attachments.append(wrap);
  });
}

function readAsDataUrl(file) {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(reader.result);
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(file);
  });
}

async function addFiles(files) {
  for (const file of files) {
    const kind = file.type.startsWith('image/') ? 'image' : file.type.startsWith('video/') ? 'video' : null;
    if (!kind) {
      showNotice(`${file.name} is neither an image nor a video.`);
      continue;
    }
    pending.push({ kind, url: await readAsDataUrl(file), name: file.name });
  }
  renderAttachments();
}

ui.attach.addEventListener('click', () => ui.fileInput.click());
ui.fileInput.addEventListener('change', async () => {
  await addFiles(Array.from(ui.fileInput.files));
  ui.fileInput.value = '';
  ui.prompt.focus();
});
ui.prompt.addEventListener('paste', (e) => {
  const files = Array.from(e.clipboardData ? e.clipboardData.files : []);
  if (files.length) {
    e.preventDefault();
    addFiles(files);
  }
});
const chat = document.querySelector('.chat');
chat.addEventListener('dragover', (e) => {
  if (e.dataTransfer && Array.from(e.dataTransfer.types).includes('Files')) {
    e.preventDefault();
    chat.classList.add('dropping');
  }
});
chat.addEventListener('dragleave', () => chat.classList.remove('dropping'));
chat.addEventListener('drop', (e) => {
  chat.classList.remove('dropping');
  if (e.dataTransfer && e.dataTransfer.files.length) {
    e.preventDefault();
    addFiles(Array.from(e.dataTransfer.files));
  }
});

// ---- start ----

async function loadModelName() {
  try {
    const r = await fetch('/v1/models', { headers: authHeaders(), cache: 'no-store' });
    if (r.status === 401) {
      askForKey();
      return;
    }
    if (r.ok) {
      const body = await r.json();
      ui.modelName.textContent = body.data && body.data[0] ? body.data[0].id : '';
    }
  } catch {
    // the server is unreachable right now; turns retry on their own
  }
}

async function start() {
  try {
    conversations = await loadConversations();
  } catch (err) {
    showNotice(`This browser does not let the page keep conversations (${err}); they will be lost on reload.`);
  }
  select(conversations[0] || null);
  loadModelName();
  // Answers that were streaming when the page went away re-attach from their last event.
  for (const conv of conversations) {
    for (const msg of conv.messages) {
      if (msg.role === 'assistant' && msg.state === 'streaming') stream(conv, msg, null);
    }
  }
  ui.prompt.focus();
}

start();
