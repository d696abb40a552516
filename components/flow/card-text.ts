/**
 * Text fitted to a node card by character counts instead of overflow clips.
 *
 * Every `overflow: hidden` (truncate, line-clamp) is a clip node in Chromium's paint property
 * trees; with four per card, re-layerizing a hundred mounted cards on each frame of a pan took
 * ~15 ms (measured at 500 nodes, zoom 0.6: 19.6 → 11.4 ms main thread per frame with one
 * clip per card left). The card keeps one clip around its body as a safety net; the text
 * inside is shortened here so it normally never reaches it. Widths are estimates: exact for
 * the monospace runs (0.6 em per character), conservative averages for proportional text.
 */

/** `text` cut to at most `max` characters, the last one an ellipsis when cut. */
export function ellipsize(text: string, max: number): string {
  if (max <= 0) return "";
  return text.length <= max ? text : `${text.slice(0, Math.max(0, max - 1))}…`;
}

/**
 * `text` wrapped into at most `lines` lines of at most `perLine` characters: breaks at spaces
 * (a word longer than a line is broken, as `break-words` does), newlines kept as breaks, the
 * last line ending in an ellipsis when text remains.
 */
export function wrapLines(text: string, perLine: number, lines: number): string[] {
  const out: string[] = [];
  const words = text.replace(/\s*\n\s*/g, " \n ").split(/ +/).filter((w) => w !== "");
  let line = "";
  let i = 0;
  const push = () => {
    out.push(line);
    line = "";
  };
  while (i < words.length && out.length < lines) {
    const word = words[i];
    if (word === "\n") {
      push();
      i++;
    } else if (line === "" && word.length > perLine) {
      line = word.slice(0, perLine);
      words[i] = word.slice(perLine);
      push();
    } else if ((line === "" ? 0 : line.length + 1) + word.length <= perLine) {
      line = line === "" ? word : `${line} ${word}`;
      i++;
    } else {
      push();
    }
  }
  if (line !== "" && out.length < lines) push();
  if (i < words.length && out.length > 0) {
    const last = out[out.length - 1];
    out[out.length - 1] = last.length < perLine ? `${last}…` : `${last.slice(0, perLine - 1)}…`;
  }
  return out;
}
