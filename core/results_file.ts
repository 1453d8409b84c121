/**
 * `results.json` in SkyThought's shape: an object keyed by `_index`, each
 * value the dataset row plus `prompt`, `input_conversation`, `responses`
 * (`content`, `correctness`, `reason`, and our `verdict`/`extracted`) and
 * `token_usages`. Derived from the sample records, and written one entry at
 * a time so that a run of any size fits in memory.
 *
 * Needs write access to the run folder (for `ResultsFileWriter`).
 *
 * @module
 */
import { userPrompt } from "./conversation.ts";
import type { SampleRecord } from "./sample_record.ts";

/**
 * A sample's `results.json` value; undefined for a sample that failed to
 * generate (it has no responses to show: it is listed in summary.json and
 * retried by --resume-from).
 */
export function resultEntry(record: SampleRecord): Record<string, unknown> | undefined {
  if (record.error !== undefined && record.responses.length === 0) return undefined;
  const responses = record.responses.map((r) => ({
    content: r.content,
    correctness: r.correctness,
    reason: r.reason,
    ...(r.verdict ? { verdict: r.verdict } : {}),
    ...(r.extracted !== undefined ? { extracted: r.extracted } : {}),
    ...(r.tests ? { tests: r.tests } : {}),
    finish_reason: r.finish_reason,
    ...(r.reasoning ? { reasoning: r.reasoning } : {}),
  }));
  return {
    ...record.row,
    _index: record.id,
    prompt: userPrompt(record.messages),
    input_conversation: record.messages,
    responses,
    token_usages: record.responses.map((r, i) => ({
      completion_tokens: r.completion_tokens,
      // The prompt is sent once per sample: its tokens are counted on the first response.
      prompt_tokens: i === 0 ? record.prompt_tokens : 0,
    })),
  };
}

/** Builds the `results.json` object from sample records (small runs; see `ResultsFileWriter`). */
export function buildResults(records: Iterable<SampleRecord>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const record of records) {
    const entry = resultEntry(record);
    if (entry) out[record.id] = entry;
  }
  return out;
}

const FLUSH_CHARS = 1 << 20;

/**
 * Writes `results.json` entry by entry, byte for byte what
 * `JSON.stringify(buildResults(records), null, 4)` plus a newline gives when
 * the records come in `results.json` order (see `resultsOrder`). The file
 * appears under its name only when `finish` succeeds.
 */
export class ResultsFileWriter {
  #path: string;
  #temp: string;
  #file: Deno.FsFile;
  #encoder = new TextEncoder();
  #pending: string[] = [];
  #pendingChars = 0;
  #entries = 0;

  private constructor(path: string, temp: string, file: Deno.FsFile) {
    this.#path = path;
    this.#temp = temp;
    this.#file = file;
  }

  /** Starts writing `path` (through a temporary file beside it). */
  static async create(path: string): Promise<ResultsFileWriter> {
    const temp = `${path}.tmp-${crypto.randomUUID().slice(0, 8)}`;
    return new ResultsFileWriter(
      path,
      temp,
      await Deno.open(temp, { write: true, createNew: true }),
    );
  }

  /** Adds a sample's entry (nothing for a sample that failed to generate). */
  async add(record: SampleRecord): Promise<void> {
    const entry = resultEntry(record);
    if (!entry) return;
    const value = JSON.stringify(entry, null, 4).replaceAll("\n", "\n    ");
    await this.#write(`${this.#entries++ ? "," : "{"}\n    ${JSON.stringify(record.id)}: ${value}`);
  }

  /** Closes the object and puts the file in place. */
  async finish(): Promise<void> {
    await this.#write(this.#entries ? "\n}\n" : "{}\n", true);
    this.#file.close();
    await Deno.rename(this.#temp, this.#path);
  }

  /** Stops writing and removes the temporary file. */
  async abort(): Promise<void> {
    try {
      this.#file.close();
    } catch {
      // already closed
    }
    await Deno.remove(this.#temp).catch(() => {});
  }

  async #write(text: string, flush = false): Promise<void> {
    this.#pending.push(text);
    this.#pendingChars += text.length;
    if (!flush && this.#pendingChars < FLUSH_CHARS) return;
    const bytes = this.#encoder.encode(this.#pending.join(""));
    this.#pending = [];
    this.#pendingChars = 0;
    let written = 0;
    while (written < bytes.length) written += await this.#file.write(bytes.subarray(written));
  }
}
