/**
 * An incremental Server-Sent Events parser (the EventSource algorithm, WHATWG HTML §9.2.6),
 * for Node clients of the event stream: tests, benches, scripts. Pure: feed it text chunks,
 * it returns the messages completed so far.
 */

export interface ParsedMessage {
  id: string | null;
  event: string;
  data: string;
}

export class SseParser {
  private buffer = "";
  private data: string[] = [];
  private event = "";
  private id: string | null = null;
  /** The last `id:` seen, as EventSource keeps it for Last-Event-ID. */
  lastEventId: string | null = null;
  retry: number | null = null;
  comments = 0;

  push(chunk: string): ParsedMessage[] {
    this.buffer += chunk;
    const out: ParsedMessage[] = [];
    let newline: number;
    while ((newline = this.buffer.search(/\r\n|\r|\n/)) >= 0) {
      const line = this.buffer.slice(0, newline);
      const width = this.buffer.startsWith("\r\n", newline) ? 2 : 1;
      this.buffer = this.buffer.slice(newline + width);
      const message = this.line(line);
      if (message) out.push(message);
    }
    return out;
  }

  private line(line: string): ParsedMessage | null {
    if (line === "") {
      if (this.data.length === 0 && this.id === null) {
        this.event = "";
        return null;
      }
      const message = { id: this.id ?? this.lastEventId, event: this.event || "message", data: this.data.join("\n") };
      this.data = [];
      this.event = "";
      this.id = null;
      return message;
    }
    if (line.startsWith(":")) {
      this.comments++;
      return null;
    }
    const colon = line.indexOf(":");
    const name = colon >= 0 ? line.slice(0, colon) : line;
    let value = colon >= 0 ? line.slice(colon + 1) : "";
    if (value.startsWith(" ")) value = value.slice(1);
    if (name === "data") this.data.push(value);
    else if (name === "event") this.event = value;
    else if (name === "id" && !value.includes("\0")) this.id = this.lastEventId = value;
    else if (name === "retry" && /^\d+$/.test(value)) this.retry = Number(value);
    return null;
  }
}
