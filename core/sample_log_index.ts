/**
 * Streaming access to `samples.jsonl` whatever its size: one pass finds
 * where each sample's latest line is (a later line for an id supersedes an
 * earlier one), then the latest records are read back one at a time, in
 * `results.json` order. Memory holds a few numbers per sample, never the
 * records themselves.
 *
 * Needs read access to the run folder.
 *
 * @module
 */
import { concatBytes } from "./bytes.ts";
import { RunDirError } from "./run_dir.ts";
import { type SampleRecord, SampleRecordSchema } from "./sample_record.ts";
import { WindowReader } from "./window_reader.ts";

const CHUNK = 1 << 20;
const NEWLINE = 0x0a;

/** What the index knows about a sample's latest line without reading it again. */
export interface SampleState {
  /** Generation failed for good: the next resume retries it. */
  errored: boolean;
  scored: boolean;
  responses: number;
}

/** Where a sample's latest line is, and its state. */
export interface SampleLine {
  offset: number;
  length: number;
  line: number;
  state: SampleState;
}

/** Where the latest line of every sample in a `samples.jsonl` is. */
export class SampleLogIndex {
  /** The indexed file. */
  readonly path: string;
  /** Sample ids in `results.json` order: integer ids ascending, then the rest as first seen. */
  readonly ids: readonly string[];
  /** Bytes of an unfinished last line (a write cut by a crash), ignored. */
  readonly tornTailBytes: number;
  #slots: ReadonlyMap<string, SampleLine>;

  private constructor(path: string, slots: Map<string, SampleLine>, tornTailBytes: number) {
    this.path = path;
    this.#slots = slots;
    this.ids = resultsOrder([...slots.keys()]);
    this.tornTailBytes = tornTailBytes;
  }

  /**
   * Indexes `samples.jsonl` in one streaming pass. A missing file is an empty log.
   *
   * @throws {RunDirError} for a complete line that is not a JSON sample record.
   */
  static async build(path: string): Promise<SampleLogIndex> {
    const slots = new Map<string, SampleLine>();
    let file: Deno.FsFile;
    try {
      file = await Deno.open(path, { read: true });
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) return new SampleLogIndex(path, slots, 0);
      throw error;
    }
    const decoder = new TextDecoder();
    const chunk = new Uint8Array(CHUNK);
    let carry = new Uint8Array(0);
    let carryOffset = 0;
    let line = 0;
    try {
      for (;;) {
        const read = await file.read(chunk);
        if (read === null) break;
        const bytes = carry.length
          ? concatBytes([carry, chunk.subarray(0, read)])
          : chunk.subarray(0, read);
        let start = 0;
        for (;;) {
          const newline = bytes.indexOf(NEWLINE, start);
          if (newline < 0) break;
          line++;
          const text = decoder.decode(bytes.subarray(start, newline));
          if (text.trim() !== "") {
            const { id, ...state } = stateOf(path, line, text);
            const slot = { offset: carryOffset + start, length: newline - start, line, state };
            const seen = slots.get(id);
            if (seen) Object.assign(seen, slot);
            else slots.set(id, slot);
          }
          start = newline + 1;
        }
        carryOffset += start;
        carry = bytes.slice(start);
      }
    } finally {
      file.close();
    }
    return new SampleLogIndex(path, slots, carry.length);
  }

  /** Number of distinct samples. */
  get size(): number {
    return this.#slots.size;
  }

  /** Whether the log holds the sample. */
  has(id: string): boolean {
    return this.#slots.has(id);
  }

  /** The state of a sample's latest line; undefined when the log does not hold it. */
  state(id: string): SampleState | undefined {
    return this.#slots.get(id)?.state;
  }

  /**
   * The latest record of each sample, in `results.json` order (or of the
   * ids given, in their order; ids the log lacks are skipped). Each record
   * is read and validated when asked for.
   *
   * @throws {RunDirError} for a line that is not a sample record.
   */
  async *records(ids: Iterable<string> = this.ids): AsyncGenerator<SampleRecord> {
    const reader = await this.reader();
    try {
      for (const id of ids) {
        const record = await reader.read(id);
        if (record) yield record;
      }
    } finally {
      reader.close();
    }
  }

  /** Opens the log to read records by id, in any order; close it when done. */
  async reader(): Promise<SampleLogReader> {
    const file = await Deno.open(this.path, { read: true });
    return new SampleLogReader(this.path, this.#slots, file);
  }
}

/** Reads the latest record of a sample by id (one read at a time, in call order). */
export class SampleLogReader {
  #path: string;
  #slots: ReadonlyMap<string, SampleLine>;
  #file: Deno.FsFile;
  #window: WindowReader;
  #decoder = new TextDecoder();
  #queue: Promise<unknown> = Promise.resolve();

  constructor(path: string, slots: ReadonlyMap<string, SampleLine>, file: Deno.FsFile) {
    this.#path = path;
    this.#slots = slots;
    this.#file = file;
    this.#window = new WindowReader(file);
  }

  /**
   * The latest record of a sample; undefined when the log does not hold it.
   *
   * @throws {RunDirError} for a line that is not a sample record.
   */
  read(id: string): Promise<SampleRecord | undefined> {
    const slot = this.#slots.get(id);
    if (!slot) return Promise.resolve(undefined);
    const next = this.#queue.then(async () => {
      const text = this.#decoder.decode(await this.#window.read(slot.offset, slot.length));
      return parseRecord(this.#path, slot.line, text);
    });
    this.#queue = next.catch(() => {});
    return next;
  }

  /** Closes the file. */
  close(): void {
    this.#file.close();
  }
}

function parseJson(path: string, line: number, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new RunDirError(`"${path}" line ${line} is corrupt: ${(error as Error).message}`);
  }
}

/** The id and state of a line, checked only as far as indexing needs. */
function stateOf(path: string, line: number, text: string): SampleState & { id: string } {
  const value = parseJson(path, line, text) as Partial<SampleRecord> | null;
  if (
    typeof value !== "object" || value === null || typeof value.id !== "string" ||
    !Array.isArray(value.responses)
  ) {
    throw new RunDirError(`"${path}" line ${line} is not a sample record: it lacks an id`);
  }
  return {
    id: value.id,
    errored: value.error !== undefined,
    scored: value.scored === true,
    responses: value.responses.length,
  };
}

function parseRecord(path: string, line: number, text: string): SampleRecord {
  const parsed = SampleRecordSchema.safeParse(parseJson(path, line, text));
  if (!parsed.success) {
    throw new RunDirError(
      `"${path}" line ${line} is not a sample record: ${parsed.error.issues[0].message}`,
    );
  }
  return parsed.data as unknown as SampleRecord;
}

const MAX_ARRAY_INDEX = 2 ** 32 - 2;

/** Whether JavaScript lists this object key first, in numeric order. */
function isArrayIndex(key: string): boolean {
  return /^(0|[1-9][0-9]{0,9})$/.test(key) && Number(key) <= MAX_ARRAY_INDEX;
}

/**
 * Ids in the order `JSON.stringify` lists an object's keys (integer keys
 * ascending, then the others in insertion order): `results.json`'s order.
 */
export function resultsOrder(ids: readonly string[]): string[] {
  const integers = ids.filter(isArrayIndex).sort((a, b) => Number(a) - Number(b));
  return integers.concat(ids.filter((id) => !isArrayIndex(id)));
}
