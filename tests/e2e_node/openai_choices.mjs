// The official `openai` npm client asks for n choices, once whole and once streamed, and reports
// what it read per choice. Usage: node openai_choices.mjs PORT REQUEST.json OUT.json
// The gtest wrapper (tests/e2e/choices_test.cpp) compares the two.
import { readFileSync, writeFileSync } from 'node:fs';
import OpenAI from 'openai';

const [port, requestPath, outPath] = process.argv.slice(2);
if (!port || !requestPath || !outPath) {
  console.error('usage: node openai_choices.mjs PORT REQUEST.json OUT.json');
  process.exit(2);
}
const request = JSON.parse(readFileSync(requestPath, 'utf8'));
const client = new OpenAI({ apiKey: 'not-needed', baseURL: `http://127.0.0.1:${port}/v1`, maxRetries: 0, timeout: 30000 });

async function nonStreaming() {
  const reply = await client.chat.completions.create({ ...request, stream: false });
  return {
    choices: reply.choices.map((c) => ({
      index: c.index,
      text: (c.message.reasoning_content ?? '') + '|' + (c.message.content ?? ''),
      finish_reason: c.finish_reason,
    })),
    usage: reply.usage,
  };
}

async function streaming() {
  const stream = await client.chat.completions.create({ ...request, stream: true, stream_options: { include_usage: true } });
  const byIndex = new Map();
  let usage = null;
  for await (const chunk of stream) {
    if (chunk.usage) usage = chunk.usage;
    for (const c of chunk.choices) {
      const seen = byIndex.get(c.index) ?? { index: c.index, reasoning: '', content: '', finish_reason: null };
      if (typeof c.delta.reasoning_content === 'string') seen.reasoning += c.delta.reasoning_content;
      if (typeof c.delta.content === 'string') seen.content += c.delta.content;
      if (c.finish_reason) seen.finish_reason = c.finish_reason;
      byIndex.set(c.index, seen);
    }
  }
  const choices = [...byIndex.values()].sort((a, b) => a.index - b.index);
  return {
    choices: choices.map((c) => ({ index: c.index, text: c.reasoning + '|' + c.content, finish_reason: c.finish_reason })),
    usage,
  };
}

try {
  writeFileSync(outPath, JSON.stringify({ non_streaming: await nonStreaming(), streaming: await streaming() }));
} catch (err) {
  console.error(String(err?.stack ?? err));
  process.exit(1);
}
