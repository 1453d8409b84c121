/**
 * Split a byte stream into text lines, in time linear in its length.
 *
 * Permissions: none.
 *
 * @module
 */

/** A line longer than the reader's `maxLineChars`. */
export class LineTooLongError extends Error {
  constructor(maxLineChars: number) {
    super(`a line is longer than ${maxLineChars} characters`);
    this.name = "LineTooLongError";
  }
}

/**
 * The lines of `stream` (UTF-8), without their `\n` or `\r\n` ends. A long
 * line arriving in many chunks is joined once. With `maxLineChars`, a longer
 * line throws {@linkcode LineTooLongError} as soon as it is seen, before it
 * is held whole.
 *
 * @example
 * ```ts
 * import { textLines } from "./text_lines.ts";
 * const stream = ReadableStream.from([new TextEncoder().encode("a\r\nb")]);
 * const lines = await Array.fromAsync(textLines(stream)); // ["a", "b"]
 * ```
 */
export async function* textLines(
  stream: ReadableStream<Uint8Array>,
  options: { maxLineChars?: number } = {},
): AsyncGenerator<string> {
  const max = options.maxLineChars ?? Infinity;
  const decoder = new TextDecoder();
  let parts: string[] = [];
  let pending = 0;
  const line = (tail: string): string => {
    parts.push(tail);
    const text = parts.join("");
    parts = [];
    pending = 0;
    return text.endsWith("\r") ? text.slice(0, -1) : text;
  };
  const hold = (text: string) => {
    pending += text.length;
    if (pending > max) throw new LineTooLongError(max);
    parts.push(text);
  };
  for await (const chunk of stream) {
    const text = decoder.decode(chunk, { stream: true });
    let start = 0;
    let newline: number;
    while ((newline = text.indexOf("\n", start)) >= 0) {
      if (pending + newline - start > max) throw new LineTooLongError(max);
      yield line(text.slice(start, newline));
      start = newline + 1;
    }
    if (start < text.length) hold(text.slice(start));
  }
  const rest = decoder.decode();
  if (rest) hold(rest);
  if (pending > 0) yield line("");
}
