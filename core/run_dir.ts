/**
 * The run directory: its name, and reading and writing `samples.jsonl`,
 * `results.json` and `summary.json` inside it. Whole files are written to a
 * temporary name and renamed, so a crash never leaves half a file; samples
 * are appended one line at a time, so a crash loses no finished sample.
 *
 * Needs read and write access to the result directory.
 *
 * @module
 */
import { type SampleRecord, SampleRecordSchema } from "./sample_record.ts";

/** File names inside a run directory. */
export const RUN_FILES = {
  samples: "samples.jsonl",
  results: "results.json",
  summary: "summary.json",
} as const;

/** A run directory that cannot be used as asked. */
export class RunDirError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "RunDirError";
  }
}

/** `<model with / as _>_<task>_<hash>`, SkyThought's run folder name. */
export function runDirName(modelId: string, task: string, hash: string): string {
  return `${modelId.replaceAll("/", "_")}_${task}_${hash}`;
}

/** Whether a directory exists and holds at least one entry. */
export async function isNonEmptyDir(path: string): Promise<boolean> {
  try {
    for await (const _ of Deno.readDir(path)) return true;
    return false;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    if (error instanceof Deno.errors.NotADirectory) {
      throw new RunDirError(`Cannot use "${path}" as a run folder: a file is in the way`);
    }
    throw error;
  }
}

/** Writes a file atomically: temp file in the same folder, then rename. */
export async function writeFileAtomic(path: string, text: string): Promise<void> {
  const temp = `${path}.tmp-${crypto.randomUUID().slice(0, 8)}`;
  await Deno.writeTextFile(temp, text);
  await Deno.rename(temp, path);
}

/** Writes JSON with 4-space indentation, as the reference does. */
export function writeJson(path: string, value: unknown): Promise<void> {
  return writeFileAtomic(path, JSON.stringify(value, null, 4) + "\n");
}

/**
 * Reads a JSON file from a run directory.
 *
 * @throws {RunDirError} when it is missing or corrupt.
 */
export async function readJson(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      throw new RunDirError(`Run file "${path}" does not exist`);
    }
    throw error;
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new RunDirError(`Run file "${path}" is corrupt: ${(error as Error).message}`);
  }
}

/** What `readSamples` found. */
export interface SamplesRead {
  /** The latest record per sample id, in first-seen order. */
  records: Map<string, SampleRecord>;
  /** Bytes of an unfinished last line (a write cut by a crash) that were ignored. */
  tornTailBytes: number;
}

/**
 * Reads `samples.jsonl`. A last line without its newline is a write cut by a
 * crash: it is ignored (and reported) rather than trusted.
 *
 * @throws {RunDirError} for a corrupt complete line.
 */
export async function readSamples(path: string): Promise<SamplesRead> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return { records: new Map(), tornTailBytes: 0 };
    throw error;
  }
  const records = new Map<string, SampleRecord>();
  const end = text.lastIndexOf("\n") + 1;
  const lines = text.slice(0, end).split("\n");
  for (let i = 0; i < lines.length; i++) {
    if (lines[i].trim() === "") continue;
    let parsed;
    try {
      parsed = SampleRecordSchema.safeParse(JSON.parse(lines[i]));
    } catch (error) {
      throw new RunDirError(`"${path}" line ${i + 1} is corrupt: ${(error as Error).message}`);
    }
    if (!parsed.success) {
      throw new RunDirError(
        `"${path}" line ${i + 1} is not a sample record: ${parsed.error.issues[0].message}`,
      );
    }
    records.set(parsed.data.id, parsed.data as unknown as SampleRecord);
  }
  return { records, tornTailBytes: new TextEncoder().encode(text.slice(end)).length };
}

/**
 * Appends sample records to `samples.jsonl`, one write per line, so each
 * line is either wholly on disk or (after a crash mid-write) a torn tail
 * that `readSamples` ignores.
 */
export class SampleLog {
  #file: Deno.FsFile;
  #encoder = new TextEncoder();
  #queue: Promise<void> = Promise.resolve();

  private constructor(file: Deno.FsFile) {
    this.#file = file;
  }

  /** Opens the log for appending, first cutting any torn tail. */
  static async open(path: string, options: { truncate?: boolean } = {}): Promise<SampleLog> {
    if (!options.truncate) {
      const { tornTailBytes } = await readSamples(path);
      if (tornTailBytes > 0) {
        const size = (await Deno.stat(path)).size;
        await Deno.truncate(path, size - tornTailBytes);
      }
    }
    const file = await Deno.open(path, {
      create: true,
      write: true,
      append: !options.truncate,
      truncate: options.truncate ?? false,
    });
    return new SampleLog(file);
  }

  /** Appends one record; resolves once the line is written. */
  append(record: SampleRecord): Promise<void> {
    const bytes = this.#encoder.encode(JSON.stringify(record) + "\n");
    this.#queue = this.#queue.then(async () => {
      let written = 0;
      while (written < bytes.length) written += await this.#file.write(bytes.subarray(written));
    });
    return this.#queue;
  }

  /** Waits for pending writes and closes the file. */
  async close(): Promise<void> {
    await this.#queue;
    this.#file.close();
  }
}
