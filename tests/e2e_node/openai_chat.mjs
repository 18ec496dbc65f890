// Drives vlserve with the official `openai` npm client: one non-streaming and one streaming call of
// the same request. Usage: node openai_chat.mjs PORT REQUEST.json OUT.json
// Writes what the client saw as JSON; the gtest wrapper (tests/e2e/openai_client_test.cpp) compares.
import { readFileSync, writeFileSync } from 'node:fs';
import OpenAI from 'openai';

const [port, requestPath, outPath] = process.argv.slice(2);
if (!port || !requestPath || !outPath) {
  console.error('usage: node openai_chat.mjs PORT REQUEST.json OUT.json');
  process.exit(2);
}
const request = JSON.parse(readFileSync(requestPath, 'utf8'));
const client = new OpenAI({
  apiKey: 'not-needed',
  baseURL: `http://127.0.0.1:${port}/v1`,
  maxRetries: 0,
  timeout: 30000,
});

async function nonStreaming() {
  const reply = await client.chat.completions.create({ ...request, stream: false });
  const choice = reply.choices[0];
  return {
    object: reply.object,
    content: choice.message.content,
    reasoning_content: choice.message.reasoning_content ?? null,
    finish_reason: choice.finish_reason,
    usage: reply.usage,
  };
}

async function streaming() {
  const stream = await client.chat.completions.create({
    ...request,
    stream: true,
    stream_options: { include_usage: true },
  });
  const out = { content: '', reasoning_content: '', finish_reason: null, usage: null, chunks: 0, objects: [] };
  let sawReasoning = false;
  for await (const chunk of stream) {
    out.chunks += 1;
    if (!out.objects.includes(chunk.object)) out.objects.push(chunk.object);
    if (chunk.usage) out.usage = chunk.usage;
    const choice = chunk.choices[0];
    if (!choice) continue;
    if (typeof choice.delta.content === 'string') out.content += choice.delta.content;
    if (typeof choice.delta.reasoning_content === 'string') {
      sawReasoning = true;
      out.reasoning_content += choice.delta.reasoning_content;
    }
    if (choice.finish_reason) out.finish_reason = choice.finish_reason;
  }
  if (!sawReasoning) out.reasoning_content = null;
  return out;
}

try {
  const result = { non_streaming: await nonStreaming(), streaming: await streaming() };
  writeFileSync(outPath, JSON.stringify(result));
} catch (err) {
  console.error(`openai client failed: ${err.status ?? ''} ${err.message}`);
  process.exit(1);
}
