// Conversations live in the browser's IndexedDB (images and videos as data: URLs would overflow
// localStorage's few MB); the settings (API key, sampling) in localStorage.

const DB_NAME = 'vlserve';
const STORE = 'conversations';

let dbPromise = null;

function open() {
  if (!dbPromise) {
    dbPromise = new Promise((resolve, reject) => {
      const req = indexedDB.open(DB_NAME, 1);
      req.onupgradeneeded = () => req.result.createObjectStore(STORE, { keyPath: 'id' });
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
  }
  return dbPromise;
}

async function run(mode, work) {
  const db = await open();
  return new Promise((resolve, reject) => {
    const tx = db.transaction(STORE, mode);
    const req = work(tx.objectStore(STORE));
    tx.oncomplete = () => resolve(req && req.result);
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error);
  });
}

// Every conversation, newest first.
export async function loadConversations() {
  const all = (await run('readonly', (s) => s.getAll())) || [];
  return all.sort((a, b) => b.updated - a.updated);
}

export function saveConversation(conv) {
  return run('readwrite', (s) => s.put(conv));
}

export function deleteConversation(id) {
  return run('readwrite', (s) => s.delete(id));
}

const SETTINGS_KEY = 'vlserve.settings';
const DEFAULTS = { apiKey: '', temperature: '', maxTokens: '', thinkingBudget: '' };

export function loadSettings() {
  try {
    return { ...DEFAULTS, ...JSON.parse(localStorage.getItem(SETTINGS_KEY) || '{}') };
  } catch {
    return { ...DEFAULTS };
  }
}

export function saveSettings(settings) {
  localStorage.setItem(SETTINGS_KEY, JSON.stringify(settings));
}
