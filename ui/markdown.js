// A small Markdown renderer that builds DOM nodes and never parses HTML: every piece of text
// becomes a text node, so model output cannot inject markup or script (no innerHTML anywhere).
// Supported: fenced code blocks, headings, bullet and numbered lists, block quotes, paragraphs,
// inline code, **bold**, *italic* / _italic_ and [links](https://...) (http, https, mailto only).

const SAFE_LINK = /^(https?:|mailto:)/i;

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

// Inline spans, outermost first: code (its text is literal), links, bold, italic.
const INLINE = /(`+)([\s\S]*?[^`])\1(?!`)|\[([^\]\n]+)\]\(([^)\s]+)\)|\*\*([\s\S]+?)\*\*|__([\s\S]+?)__|\*([^*\s](?:[^*]*[^*\s])?)\*|\b_([^_\s](?:[^_]*[^_\s])?)_\b/;

export function renderInline(text, parent) {
  let rest = text;
  while (rest.length) {
    const m = INLINE.exec(rest);
    if (!m) {
      parent.append(rest);
      return;
    }
    if (m.index) parent.append(rest.slice(0, m.index));
    if (m[1]) {
      parent.append(el('code', '', m[2].replace(/^ (.*) $/, '$1')));
    } else if (m[3]) {
      if (SAFE_LINK.test(m[4])) {
        const a = el('a');
        a.href = m[4];
        a.rel = 'noopener noreferrer nofollow';
        a.target = '_blank';
        renderInline(m[3], a);
        parent.append(a);
      } else {
        parent.append(m[0]);
      }
    } else if (m[5] !== undefined || m[6] !== undefined) {
      const b = el('strong');
      renderInline(m[5] ?? m[6], b);
      parent.append(b);
    } else {
      const i = el('em');
      renderInline(m[7] ?? m[8], i);
      parent.append(i);
    }
    rest = rest.slice(m.index + m[0].length);
  }
}

const FENCE = /^ {0,3}(```+|~~~+)\s*([\w+#.-]*)\s*$/;
const HEADING = /^ {0,3}(#{1,6})\s+(.*?)\s*#*\s*$/;
const BULLET = /^ {0,3}[-*+]\s+(.*)$/;
const NUMBERED = /^ {0,3}(\d{1,9})[.)]\s+(.*)$/;
const QUOTE = /^ {0,3}>\s?(.*)$/;
const RULE = /^ {0,3}([-*_])(\s*\1){2,}\s*$/;

// Returns a DocumentFragment for `source`; an unclosed code fence (mid-stream) runs to the end.
export function renderMarkdown(source) {
  const out = document.createDocumentFragment();
  const lines = source.replace(/\r\n?/g, '\n').split('\n');
  let i = 0;
  while (i < lines.length) {
    const line = lines[i];
    const fence = FENCE.exec(line);
    if (fence) {
      const body = [];
      for (i += 1; i < lines.length && !lines[i].trimStart().startsWith(fence[1]); i += 1) body.push(lines[i]);
      i += 1;
      const pre = el('pre');
      const code = el('code', '', body.join('\n'));
      if (fence[2]) code.dataset.lang = fence[2];
      pre.append(code);
      out.append(pre);
      continue;
    }
    if (!line.trim()) {
      i += 1;
      continue;
    }
    const heading = HEADING.exec(line);
    if (heading) {
      const h = el('h' + Math.min(6, heading[1].length + 2));
      renderInline(heading[2], h);
      out.append(h);
      i += 1;
      continue;
    }
    if (RULE.test(line)) {
      out.append(el('hr'));
      i += 1;
      continue;
    }
    if (BULLET.test(line) || NUMBERED.test(line)) {
      const numbered = !BULLET.test(line);
      const pattern = numbered ? NUMBERED : BULLET;
      const list = el(numbered ? 'ol' : 'ul');
      if (numbered) {
        const start = Number(NUMBERED.exec(line)[1]);
        if (start !== 1) list.start = start;
      }
      while (i < lines.length) {
        const m = pattern.exec(lines[i]);
        if (!m) break;
        const item = el('li');
        renderInline(numbered ? m[2] : m[1], item);
        list.append(item);
        i += 1;
      }
      out.append(list);
      continue;
    }
    if (QUOTE.test(line)) {
      const quoted = [];
      while (i < lines.length && QUOTE.test(lines[i])) quoted.push(QUOTE.exec(lines[i++])[1]);
      const q = el('blockquote');
      q.append(renderMarkdown(quoted.join('\n')));
      out.append(q);
      continue;
    }
    const para = [];
    while (i < lines.length && lines[i].trim() && !FENCE.test(lines[i]) && !HEADING.test(lines[i]) &&
           !BULLET.test(lines[i]) && !NUMBERED.test(lines[i]) && !QUOTE.test(lines[i])) {
      para.push(lines[i]);
      i += 1;
    }
    const p = el('p');
    para.forEach((text, k) => {
      if (k) p.append(el('br'));
      renderInline(text, p);
    });
    out.append(p);
  }
  return out;
}
