// The official `openai` client asking for a JSON-schema answer and a forced tool call, each once
// without and once with streaming. Usage: node openai_structured.mjs PORT SCHEMA.json OUT.json
// Writes what the client saw; tests/e2e/structured_output_test.cpp validates it.
import { readFileSync, writeFileSync } from 'node:fs';
import OpenAI from 'openai';

const [port, schemaPath, outPath] = process.argv.slice(2);
if (!port || !schemaPath || !outPath) {
  console.error('usage: node openai_structured.mjs PORT SCHEMA.json OUT.json');
  process.exit(2);
}
const schema = JSON.parse(readFileSync(schemaPath, 'utf8'));
const client = new OpenAI({ apiKey: 'not-needed', baseURL: `http://127.0.0.1:${port}/v1`, maxRetries: 0, timeout: 60000 });
const base = { model: 'qwen3-vl', messages: [{ role: 'user', content: 'Answer.' }], max_tokens: 160, thinking_budget: 1 };
const jsonSchema = { ...base, response_format: { type: 'json_schema', json_schema: { name: 'answer', strict: true, schema } } };
const tools = [
  { type: 'function', function: { name: 'get_weather', parameters: schema } },
  { type: 'function', function: { name: 'noop', parameters: { type: 'object', properties: {}, additionalProperties: false } } },
];
const toolCall = { ...base, tools, tool_choice: { type: 'function', function: { name: 'get_weather' } }, parallel_tool_calls: false };

async function once(request) {
  const r = await client.chat.completions.create({ ...request, stream: false });
  const c = r.choices[0];
  return { content: c.message.content, finish_reason: c.finish_reason, tool_calls: c.message.tool_calls ?? [] };
}

async function streamed(request) {
  const stream = await client.chat.completions.create({ ...request, stream: true });
  const out = { content: '', finish_reason: null, tool_calls: [] };
  for await (const chunk of stream) {
    const c = chunk.choices[0];
    if (!c) continue;
    if (typeof c.delta.content === 'string') out.content += c.delta.content;
    for (const t of c.delta.tool_calls ?? []) {
      const slot = (out.tool_calls[t.index] ??= { function: { name: '', arguments: '' } });
      if (t.function?.name) slot.function.name += t.function.name;
      if (t.function?.arguments) slot.function.arguments += t.function.arguments;
    }
    if (c.finish_reason) out.finish_reason = c.finish_reason;
  }
  return out;
}

try {
  const result = {
    schema: await once(jsonSchema),
    schema_stream: await streamed(jsonSchema),
    tool: await once(toolCall),
    tool_stream: await streamed(toolCall),
  };
  writeFileSync(outPath, JSON.stringify(result));
} catch (err) {
  console.error(err?.stack ?? String(err));
  process.exit(1);
}
