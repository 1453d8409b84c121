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
import { RunDirError } from "./run_dir.ts";
import { type SampleRecord, SampleRecordSchema } from "./sample_record.ts";
import { WindowReader } from "./window_reader.ts";

const CHUNK = 1 << 20;
const NEWLINE = 0x0a;
/** `{"id":"`, how every line `SampleLog` writes begins. */
const ID_PREFIX = new TextEncoder().encode('{"id":"');
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** Growable columns of numbers, one row per sample. */
class Lines {
  offsets = new Float64Array(1024);
  lengths = new Uint32Array(1024);
  numbers = new Uint32Array(1024);

  set(slot: number, offset: number, length: number, line: number): void {
    if (slot >= this.offsets.length) {
      const grow = <T extends Float64Array | Uint32Array>(old: T, make: (n: number) => T): T => {
        const next = make(old.length * 2);
        next.set(old);
        return next;
      };
      this.offsets = grow(this.offsets, (n) => new Float64Array(n));
      this.lengths = grow(this.lengths, (n) => new Uint32Array(n));
      this.numbers = grow(this.numbers, (n) => new Uint32Array(n));
    }
    this.offsets[slot] = offset;
    this.lengths[slot] = length;
    this.numbers[slot] = line;
  }
}

/**
 * A slot number per sample id. Canonical integer ids (every id a dataset
 * row gets) live in a typed table indexed by the id itself, with no string
 * kept; other ids, and integers too far beyond the rest, live in a map.
 */
class Slots {
  size = 0;
  /** Slot + 1 by integer id; 0 where there is none. */
  #dense = new Int32Array(1024);
  #sparse = new Map<string, number>();
  #sparseIntegers = 0;

  /** The slot of an id; undefined when it has none. */
  get(id: string): number | undefined {
    const n = arrayIndexOf(id);
    if (n >= 0 && n < this.#dense.length && this.#dense[n] > 0) return this.#dense[n] - 1;
    return this.#sparse.get(id);
  }

  /** The slot of an id, given one if it has none. */
  claim(id: string): number {
    const n = arrayIndexOf(id);
    if (n >= 0) return this.claimInteger(n);
    let slot = this.#sparse.get(id);
    if (slot === undefined) this.#sparse.set(id, slot = this.size++);
    return slot;
  }

  /** `claim` of a canonical integer id. */
  claimInteger(n: number): number {
    if (n < this.#dense.length && this.#dense[n] > 0) return this.#dense[n] - 1;
    if (this.#sparseIntegers > 0) {
      const slot = this.#sparse.get(String(n));
      if (slot !== undefined) return slot;
    }
    const slot = this.size++;
    if (n < this.#dense.length || this.#grow(n)) this.#dense[n] = slot + 1;
    else {
      this.#sparse.set(String(n), slot);
      this.#sparseIntegers++;
    }
    return slot;
  }

  /** Ids in `results.json` order: integer ids ascending, then the rest as first seen. */
  *ids(): Generator<string> {
    const sparse = resultsOrder([...this.#sparse.keys()]);
    let k = 0;
    const dense = this.#dense;
    for (let n = 0; n < dense.length; n++) {
      if (dense[n] === 0) continue;
      while (k < this.#sparseIntegers && Number(sparse[k]) < n) yield sparse[k++];
      yield String(n);
    }
    yield* sparse.slice(k);
  }

  /** Widens the table to hold `n`, unless the table would be mostly empty. */
  #grow(n: number): boolean {
    if (n >= 4 * this.size + 65_536) return false;
    const wider = new Int32Array(Math.max(2 * this.#dense.length, n + 1));
    wider.set(this.#dense);
    this.#dense = wider;
    return true;
  }
}

/** Where the latest line of every sample in a `samples.jsonl` is. */
export class SampleLogIndex {
  /** The indexed file. */
  readonly path: string;
  /** Bytes of an unfinished last line (a write cut by a crash), ignored. */
  readonly tornTailBytes: number;
  #slots: Slots;
  #lines: Lines;

  private constructor(path: string, slots: Slots, lines: Lines, tornTailBytes: number) {
    this.path = path;
    this.#slots = slots;
    this.#lines = lines;
    this.tornTailBytes = tornTailBytes;
  }

  /**
   * Indexes `samples.jsonl` in one streaming pass. A missing file is an empty log.
   *
   * @throws {RunDirError} for a complete line whose id cannot be read.
   */
  static async build(path: string): Promise<SampleLogIndex> {
    const slots = new Slots();
    const lines = new Lines();
    let file: Deno.FsFile;
    try {
      file = await Deno.open(path, { read: true });
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) return new SampleLogIndex(path, slots, lines, 0);
      throw error;
    }
    const decoder = new TextDecoder();
    let buffer = new Uint8Array(CHUNK);
    // buffer[0, kept) is the unfinished line carried over; it starts at file byte `base`.
    let kept = 0;
    let base = 0;
    let line = 0;
    try {
      for (;;) {
        if (kept === buffer.length) {
          const bigger = new Uint8Array(buffer.length * 2);
          bigger.set(buffer);
          buffer = bigger;
        }
        const read = await file.read(buffer.subarray(kept));
        if (read === null) break;
        const end = kept + read;
        const view = buffer.subarray(0, end);
        let start = 0;
        for (;;) {
          const newline = view.indexOf(NEWLINE, start);
          if (newline < 0) break;
          line++;
          if (newline > start && !isBlank(buffer, start, newline)) {
            const n = integerIdOf(buffer, start, newline);
            const slot = n >= 0 ? slots.claimInteger(n) : slots.claim(
              idOf(buffer, start, newline, decoder) ??
                idOfParsed(path, line, decoder.decode(buffer.subarray(start, newline))),
            );
            lines.set(slot, base + start, newline - start, line);
          }
          start = newline + 1;
        }
        buffer.copyWithin(0, start, end);
        kept = end - start;
        base += start;
      }
    } finally {
      file.close();
    }
    return new SampleLogIndex(path, slots, lines, kept);
  }

  /** Sample ids in `results.json` order: integer ids ascending, then the rest as first seen. */
  ids(): Generator<string> {
    return this.#slots.ids();
  }

  /** Number of distinct samples. */
  get size(): number {
    return this.#slots.size;
  }

  /** Whether the log holds the sample. */
  has(id: string): boolean {
    return this.#slots.get(id) !== undefined;
  }

  /**
   * The latest record of each sample, in `results.json` order (or of the
   * ids given, in their order; ids the log lacks are skipped). Each record
   * is read and validated when asked for.
   *
   * @throws {RunDirError} for a line that is not a sample record.
   */
  async *records(ids: Iterable<string> = this.ids()): AsyncGenerator<SampleRecord> {
    const reader = await this.reader();
    try {
      for (const id of ids) {
        const record = reader.read(id);
        if (record) yield record;
      }
    } finally {
      reader.close();
    }
  }

  /** Opens the log to read records by id, in any order; close it when done. */
  async reader(): Promise<SampleLogReader> {
    const file = await Deno.open(this.path, { read: true });
    const window = new WindowReader(file);
    const decoder = new TextDecoder();
    const { offsets, lengths, numbers } = this.#lines;
    return {
      read: (id) => {
        const slot = this.#slots.get(id);
        if (slot === undefined) return undefined;
        const text = decoder.decode(window.read(offsets[slot], lengths[slot]));
        return parseRecord(this.path, numbers[slot], text);
      },
      close: () => file.close(),
    };
  }
}

/** Reads the latest record of a sample by id. */
export interface SampleLogReader {
  /**
   * The latest record of a sample; undefined when the log does not hold it.
   *
   * @throws {RunDirError} for a line that is not a sample record.
   */
  read(id: string): SampleRecord | undefined;
  /** Closes the file. */
  close(): void;
}

function isBlank(bytes: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const b = bytes[i];
    if (b !== 0x20 && b !== 0x09 && b !== 0x0d) return false;
  }
  return true;
}

function hasIdPrefix(bytes: Uint8Array, start: number, end: number): boolean {
  if (end - start < ID_PREFIX.length + 2) return false;
  for (let i = 0; i < ID_PREFIX.length; i++) if (bytes[start + i] !== ID_PREFIX[i]) return false;
  return true;
}

/**
 * The id of a line as `SampleLog` writes it when the id is a canonical
 * integer (an array index), read from the bytes; -1 otherwise.
 */
function integerIdOf(bytes: Uint8Array, start: number, end: number): number {
  if (!hasIdPrefix(bytes, start, end)) return -1;
  const from = start + ID_PREFIX.length;
  let n = 0;
  let i = from;
  for (; i < end && i - from <= 10; i++) {
    const digit = bytes[i] - 0x30;
    if (digit < 0 || digit > 9) break;
    n = n * 10 + digit;
  }
  const digits = i - from;
  if (bytes[i] !== QUOTE || digits === 0 || digits > 10) return -1;
  if (digits > 1 && bytes[from] === 0x30) return -1;
  return n <= MAX_ARRAY_INDEX ? n : -1;
}

/** The id of a line as `SampleLog` writes it, read without parsing the line; null otherwise. */
function idOf(bytes: Uint8Array, start: number, end: number, decoder: TextDecoder): string | null {
  if (!hasIdPrefix(bytes, start, end)) return null;
  const from = start + ID_PREFIX.length;
  for (let i = from; i < end; i++) {
    if (bytes[i] === BACKSLASH) return null;
    if (bytes[i] === QUOTE) return decoder.decode(bytes.subarray(from, i));
  }
  return null;
}

function parseJson(path: string, line: number, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new RunDirError(`"${path}" line ${line} is corrupt: ${(error as Error).message}`);
  }
}

/** The id of a line written some other way, by parsing it. */
function idOfParsed(path: string, line: number, text: string): string {
  const value = parseJson(path, line, text) as { id?: unknown } | null;
  if (typeof value !== "object" || value === null || typeof value.id !== "string") {
    throw new RunDirError(`"${path}" line ${line} is not a sample record: it has no string id`);
  }
  return value.id;
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

/** Whether JavaScript lists this object key first, in numeric order (an array index). */
function isArrayIndex(key: string): boolean {
  return /^(0|[1-9][0-9]{0,9})$/.test(key) && Number(key) <= MAX_ARRAY_INDEX;
}

/** The key as a number when it is an array index; -1 otherwise. */
function arrayIndexOf(key: string): number {
  return isArrayIndex(key) ? Number(key) : -1;
}

/**
 * Ids in the order `JSON.stringify` lists an object's keys (integer keys
 * ascending, then the others in insertion order): `results.json`'s order.
 */
export function resultsOrder(ids: readonly string[]): string[] {
  // Canonical integers compare as numbers by length, then character by character.
  const integers = ids.filter(isArrayIndex).sort((a, b) =>
    a.length - b.length || (a < b ? -1 : a > b ? 1 : 0)
  );
  return integers.concat(ids.filter((id) => !isArrayIndex(id)));
}
