/**
 * Server-Sent Events, read incrementally: text goes in as it arrives (cut
 * anywhere, even inside a line), whole events come out. Lines end in `\n`,
 * `\r\n` or `\r`; a blank line ends an event; `data:` lines of one event are
 * joined with `\n`; comments and `id:`/`retry:` fields are dropped.
 *
 * @module
 */

/** One event: its `event:` name (`message` when unnamed) and its data. */
export interface SseEvent {
  event: string;
  data: string;
}

/** Splits a stream of text into {@linkcode SseEvent}s. */
export class SseLines {
  #pending = "";
  #event = "";
  #data: string[] = [];
  /** A `\r` ended the last piece: a `\n` starting the next one belongs to it. */
  #afterCr = false;

  /**
   * Adds the next piece of text; returns the events it completed.
   *
   * @example
   * ```ts
   * import { SseLines } from "./sse_lines.ts";
   * const lines = new SseLines();
   * lines.push("data: {\"a\"");
   * lines.push(":1}\n\n"); // [{ event: "message", data: '{"a":1}' }]
   * ```
   */
  push(text: string): SseEvent[] {
    if (this.#afterCr && text.startsWith("\n")) text = text.slice(1);
    this.#afterCr = text.endsWith("\r");
    const events: SseEvent[] = [];
    let start = 0;
    const all = this.#pending === "" ? text : this.#pending + text;
    // The next \n and \r, each searched for again only once passed: most streams have no \r.
    let lf = all.indexOf("\n");
    let cr = all.indexOf("\r");
    for (;;) {
      if (lf >= 0 && lf < start) lf = all.indexOf("\n", start);
      if (cr >= 0 && cr < start) cr = all.indexOf("\r", start);
      const end = cr < 0 ? lf : lf < 0 ? cr : Math.min(lf, cr);
      if (end < 0) break;
      this.#line(all.slice(start, end), events);
      start = end === cr && lf === end + 1 ? end + 2 : end + 1;
    }
    this.#pending = all.slice(start);
    return events;
  }

  /** Ends the stream: an event not closed by a blank line still counts. */
  end(): SseEvent[] {
    const events: SseEvent[] = [];
    if (this.#pending !== "") this.#line(this.#pending, events);
    this.#pending = "";
    this.#line("", events);
    return events;
  }

  #line(line: string, events: SseEvent[]): void {
    if (line === "") {
      if (this.#data.length > 0) {
        events.push({ event: this.#event || "message", data: this.#data.join("\n") });
      }
      this.#event = "";
      this.#data = [];
      return;
    }
    const colon = line.indexOf(":");
    if (colon === 0) return;
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? "" : line.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    if (field === "data") this.#data.push(value);
    else if (field === "event") this.#event = value;
  }
}
