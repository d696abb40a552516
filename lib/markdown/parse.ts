/**
 * A small markdown parser for agent output: headings, paragraphs, bullet and numbered lists,
 * fenced code, block quotes, rules; inline code, bold, italic and links.
 *
 * Safety by construction: the result is a tree of plain strings that the renderer turns into
 * React elements (which escape text). Raw HTML is never interpreted — `<script>` stays the
 * literal text `<script>` — and links become their text plus their target as text, so no
 * `javascript:` URL can become clickable.
 *
 * Streaming: an unclosed code fence (output still arriving) runs to the end of the text.
 */

export type Inline =
  | { type: "text"; text: string }
  | { type: "code"; text: string }
  | { type: "strong"; children: Inline[] }
  | { type: "em"; children: Inline[] }
  | { type: "link"; children: Inline[]; href: string };

export type Block =
  | { type: "heading"; level: 1 | 2 | 3 | 4 | 5 | 6; children: Inline[] }
  | { type: "paragraph"; children: Inline[] }
  | { type: "code"; language: string; text: string }
  | { type: "list"; ordered: boolean; start: number; items: Inline[][] }
  | { type: "quote"; children: Block[] }
  | { type: "rule" };

const FENCE = /^\s{0,3}(`{3,}|~{3,})\s*([\w+#.-]*)/;
const HEADING = /^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$/;
const BULLET = /^\s{0,3}[-*+]\s+(.*)$/;
const ORDERED = /^\s{0,3}(\d{1,9})[.)]\s+(.*)$/;
const RULE = /^\s{0,3}([-*_])(\s*\1){2,}\s*$/;
const QUOTE = /^\s{0,3}>\s?(.*)$/;

export function parseMarkdown(source: string): Block[] {
  return parseLines(source.replace(/\r\n?/g, "\n").split("\n"));
}

function parseLines(lines: string[]): Block[] {
  const blocks: Block[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i];
    if (line.trim() === "") {
      i++;
      continue;
    }
    const fence = FENCE.exec(line);
    if (fence) {
      const marker = fence[1];
      const body: string[] = [];
      i++;
      while (i < lines.length && !lines[i].trimStart().startsWith(marker)) body.push(lines[i++]);
      i++; // the closing fence (or past the end when still streaming)
      blocks.push({ type: "code", language: fence[2] ?? "", text: body.join("\n") });
      continue;
    }
    const heading = HEADING.exec(line);
    if (heading) {
      blocks.push({ type: "heading", level: heading[1].length as 1 | 2 | 3 | 4 | 5 | 6, children: parseInline(heading[2]) });
      i++;
      continue;
    }
    if (RULE.test(line)) {
      blocks.push({ type: "rule" });
      i++;
      continue;
    }
    if (QUOTE.test(line)) {
      const inner: string[] = [];
      while (i < lines.length && QUOTE.test(lines[i])) inner.push(QUOTE.exec(lines[i++])![1]);
      blocks.push({ type: "quote", children: parseLines(inner) });
      continue;
    }
    const bullet = BULLET.exec(line);
    const ordered = ORDERED.exec(line);
    if (bullet || ordered) {
      const isOrdered = !bullet;
      const pattern = isOrdered ? ORDERED : BULLET;
      const items: string[] = [];
      while (i < lines.length) {
        const match = pattern.exec(lines[i]);
        if (match) {
          items.push(isOrdered ? match[2] : match[1]);
        } else if (lines[i].trim() !== "" && /^\s+/.test(lines[i]) && items.length > 0) {
          // An indented continuation line belongs to the previous item.
          items[items.length - 1] += " " + lines[i].trim();
        } else break;
        i++;
      }
      blocks.push({
        type: "list",
        ordered: isOrdered,
        start: ordered ? Number(ordered[1]) : 1,
        items: items.map(parseInline),
      });
      continue;
    }
    const paragraph: string[] = [];
    while (
      i < lines.length &&
      lines[i].trim() !== "" &&
      !FENCE.test(lines[i]) &&
      !HEADING.test(lines[i]) &&
      !BULLET.test(lines[i]) &&
      !ORDERED.test(lines[i]) &&
      !QUOTE.test(lines[i]) &&
      !RULE.test(lines[i])
    ) {
      paragraph.push(lines[i++].trim());
    }
    blocks.push({ type: "paragraph", children: parseInline(paragraph.join("\n")) });
  }
  return blocks;
}

/**
 * Inline spans, left to right: the earliest opening delimiter wins; an opener without a
 * closer is plain text. Code spans are literal (no emphasis inside).
 */
export function parseInline(text: string): Inline[] {
  const out: Inline[] = [];
  let plain = "";
  const flush = () => {
    if (plain) out.push({ type: "text", text: plain });
    plain = "";
  };
  let i = 0;
  while (i < text.length) {
    const ch = text[i];
    if (ch === "\\" && i + 1 < text.length && /[\\`*_[\]()#+\-.!>]/.test(text[i + 1])) {
      plain += text[i + 1];
      i += 2;
      continue;
    }
    if (ch === "`") {
      const run = /^`+/.exec(text.slice(i))![0];
      const close = text.indexOf(run, i + run.length);
      if (close > 0) {
        flush();
        out.push({ type: "code", text: text.slice(i + run.length, close).replace(/^ (.*) $/, "$1") });
        i = close + run.length;
        continue;
      }
    }
    if (ch === "*" || ch === "_") {
      const double = text[i + 1] === ch;
      const delimiter = double ? ch + ch : ch;
      const start = i + delimiter.length;
      const close = findCloser(text, delimiter, start);
      // Intra-word underscores (snake_case) are not emphasis.
      const wordBefore = ch === "_" && i > 0 && /\w/.test(text[i - 1]);
      if (close > start && !wordBefore && text[start] !== " ") {
        flush();
        const children = parseInline(text.slice(start, close));
        out.push(double ? { type: "strong", children } : { type: "em", children });
        i = close + delimiter.length;
        continue;
      }
    }
    if (ch === "[") {
      const link = /^\[([^\]]*)\]\(([^)\s]*)(?:\s+"[^"]*")?\)/.exec(text.slice(i));
      if (link) {
        flush();
        out.push({ type: "link", children: parseInline(link[1]), href: link[2] });
        i += link[0].length;
        continue;
      }
    }
    plain += ch;
    i++;
  }
  flush();
  return out;
}

function findCloser(text: string, delimiter: string, from: number): number {
  let at = text.indexOf(delimiter, from);
  while (at >= 0) {
    const single = delimiter.length === 1;
    // A single `*` must not be half of a `**`, and a closer is not preceded by a space.
    const partOfDouble = single && (text[at + 1] === delimiter || text[at - 1] === delimiter);
    if (!partOfDouble && text[at - 1] !== " " && at > from) return at;
    at = text.indexOf(delimiter, at + delimiter.length);
  }
  return -1;
}

/** The plain text of inline spans (for titles, search, tests). */
export function inlineText(spans: readonly Inline[]): string {
  return spans
    .map((span) => (span.type === "text" || span.type === "code" ? span.text : inlineText(span.children)))
    .join("");
}
