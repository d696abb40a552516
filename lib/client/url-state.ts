/**
 * URL query state changed functionally: each change applies to the latest requested query,
 * not to the one the page last rendered with, so two changes made before the router has
 * caught up both survive (the second used to start from the render's stale query and drop
 * the first). Pure.
 */

/** `search` with `changes` applied: a value sets its parameter, undefined or "" removes it. */
export function withParams(search: string, changes: Readonly<Record<string, string | undefined>>): string {
  const next = new URLSearchParams(search);
  for (const [name, value] of Object.entries(changes)) {
    if (value) next.set(name, value);
    else next.delete(name);
  }
  return next.toString();
}

/**
 * The queries the page asked the router for that it hasn't rendered yet. `base(rendered)`
 * is what the next change builds on: the newest pending request, else the rendered query.
 * A rendered query that is neither pending nor the one the requests started from means the
 * URL moved some other way (Back, a link): the pending requests are forgotten.
 */
export class PendingQuery {
  private requested: string[] = [];
  private origin = "";

  base(rendered: string): string {
    const landed = this.requested.indexOf(rendered);
    if (landed >= 0) {
      this.requested = this.requested.slice(landed + 1);
      this.origin = rendered;
    } else if (rendered !== this.origin) {
      this.requested = [];
    }
    return this.requested.at(-1) ?? rendered;
  }

  request(query: string, rendered: string): void {
    if (this.requested.length === 0) this.origin = rendered;
    this.requested.push(query);
  }
}
