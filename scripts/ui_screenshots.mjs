#!/usr/bin/env node
// Screenshots of the chat page for the README: desktop and phone width, a text turn and an image
// turn, against the real server with the tiny fixture model (random weights: the words are noise).
// Usage: node scripts/ui_screenshots.mjs [OUT_DIR]   (default docs/screenshots; needs build/vlserve,
// /usr/bin/chromium and node_modules/playwright-core, as the e2e_ui test does)
import path from 'node:path';
import { statSync } from 'node:fs';
import {
  configure, freePort, launchBrowser, makePng, removeTempDirs, sendMessage, startServer, tempDir, waitFor,
} from '../tests/e2e_node/ui_harness.mjs';

const out = path.resolve(process.argv[2] || 'docs/screenshots');
const server = await startServer({ port: await freePort(), db: path.join(tempDir('shots'), 'db'), logName: 'shots' });
const browser = await launchBrowser();

async function done(page) {
  await waitFor('the answer', async () => (await page.locator('article.assistant').last().getAttribute('data-state')) === 'done');
}

// A sunset-like picture: sky gradient, a sun, a dark sea.
const picture = makePng(320, 200, (x, y) => {
  const sun = (x - 210) ** 2 + (y - 110) ** 2 < 38 ** 2;
  if (y > 130) return [20 + (y - 130), 40 + (y - 130), 90];
  if (sun) return [255, 214, 90];
  return [255 - y / 2, 120 + y / 2, 90 + y];
});

async function shoot(name, viewport) {
  const context = await browser.newContext({ viewport, deviceScaleFactor: 1, colorScheme: 'light' });
  const page = await context.newPage();
  await page.goto(`http://127.0.0.1:${server.port}/`);
  await configure(page, { temperature: 0.7, maxTokens: 48, thinkingBudget: 16 });
  await sendMessage(page, 'Earlier question about streams');
  await done(page);
  if (viewport.width < 720) await page.click('#toggle-sidebar');  // the sidebar is a drawer on phones
  await page.click('#new-chat');
  if (name.endsWith('image')) {
    await page.setInputFiles('#file-input', { name: 'sunset.png', mimeType: 'image/png', buffer: picture });
    await page.waitForSelector('#attachments img.thumb');
    await sendMessage(page, 'What is in this picture?');
  } else {
    await sendMessage(page, 'Explain **resumable streams** in two sentences, with `Last-Event-ID`.');
  }
  await done(page);
  await page.locator('article.assistant summary').last().click();  // open the thinking pane
  await page.locator('#prompt').blur();
  const file = path.join(out, `${name}.png`);
  await page.screenshot({ path: file });
  console.log(`${file}: ${(statSync(file).size / 1024).toFixed(0)} KiB`);
  await context.close();
}

try {
  await shoot('desktop-text', { width: 1280, height: 760 });
  await shoot('desktop-image', { width: 1280, height: 760 });
  await shoot('phone-text', { width: 390, height: 780 });
  await shoot('phone-image', { width: 390, height: 780 });
} finally {
  await browser.close();
  await server.kill('SIGTERM');
  removeTempDirs();
}
