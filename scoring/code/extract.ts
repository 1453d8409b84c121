/**
 * Find the program in a model response. Like the reference, the last fenced
 * block wins; unlike it, this also takes ```` ```python3 ````, ```` ```py ````,
 * tags after a space, `~~~` fences, indented fences, an unterminated final
 * block (a response cut by max_tokens), `<code>` tags, and prefers Python or
 * untagged blocks over blocks tagged as another language or plain text.
 *
 * Permissions: none.
 *
 * @module
 */

interface Block {
  lang: string;
  body: string;
}

const PYTHON_TAGS = new Set(["python", "python3", "py", "py3", "pycon", "python2"]);
const OTHER_TEXT_TAGS = new Set([
  "text",
  "plaintext",
  "txt",
  "output",
  "console",
  "shell",
  "bash",
  "sh",
]);

/** An opening fence line: a fence, an optional language tag, then anything but a backtick. */
function openingFence(
  line: string,
  start: number,
): { fence: string; lang: string; start: number } | undefined {
  const fence = /^\s*(`{3,}|~{3,})/.exec(line);
  if (!fence) return undefined;
  const rest = line.slice(fence[0].length);
  if (rest.includes("`")) return undefined;
  const lang = /^[\w+#.-]*/.exec(rest.trimStart())![0];
  return { fence: fence[1], lang: lang.toLowerCase(), start };
}

function fencedBlocks(text: string): Block[] {
  const lines = text.split("\n");
  const blocks: Block[] = [];
  let open: { fence: string; lang: string; start: number } | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (!open) {
      open = openingFence(line, i + 1);
      continue;
    }
    const close = /^\s*(`{3,}|~{3,})\s*$/.exec(line);
    const inline = !close && line.trimEnd().endsWith(open.fence) && line.trim() !== "";
    if (
      (close && close[1][0] === open.fence[0] && close[1].length >= open.fence.length) || inline
    ) {
      const bodyLines = lines.slice(open.start, i);
      if (inline) bodyLines.push(line.trimEnd().slice(0, -open.fence.length));
      blocks.push({ lang: open.lang, body: bodyLines.join("\n") });
      open = undefined;
    }
  }
  if (open) blocks.push({ lang: open.lang, body: lines.slice(open.start).join("\n") });
  return blocks;
}

function pick(blocks: Block[]): string | null {
  const usable = blocks.filter((b) => b.body.trim() !== "");
  const python = usable.filter((b) => PYTHON_TAGS.has(b.lang));
  const untagged = usable.filter((b) => b.lang === "");
  const code = usable.filter((b) => !OTHER_TEXT_TAGS.has(b.lang));
  const chosen = python.at(-1) ?? untagged.at(-1) ?? code.at(-1);
  return chosen ? chosen.body.trimEnd() + "\n" : null;
}

/**
 * The program in `response`, or `null` when there is none.
 *
 * @example
 * ```ts
 * import { extractCode } from "./extract.ts";
 * extractCode("Here:\n```python3\nprint(1)\n```"); // "print(1)\n"
 * ```
 */
export function extractCode(response: string): string | null {
  let text = response.replace(/\r\n?/g, "\n");
  const thinkEnd = text.lastIndexOf("</think>");
  if (thinkEnd >= 0) {
    const after = pick(fencedBlocks(text.slice(thinkEnd + 8)));
    if (after !== null) return after;
  }
  const tagged = /<code>([\s\S]*?)(?:<\/code>|$)/g;
  const fromTags = [...text.matchAll(tagged)].map((m) => m[1]).filter((s) => s.trim() !== "");
  if (!text.includes("```") && !text.includes("~~~") && fromTags.length > 0) {
    return fromTags.at(-1)!.replace(/^\n+/, "").trimEnd() + "\n";
  }
  text = text.replace(/<\/?code>/g, "");
  return pick(fencedBlocks(text));
}
