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
import type { SampleRecord } from "./sample_record.ts";

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

/** Bytes after the last newline of a file: an unfinished line cut by a crash. */
export async function tornTailBytes(path: string): Promise<number> {
  let file: Deno.FsFile;
  try {
    file = await Deno.open(path, { read: true });
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return 0;
    throw error;
  }
  try {
    const size = (await file.stat()).size;
    const chunk = new Uint8Array(64 << 10);
    for (let end = size; end > 0;) {
      const start = Math.max(0, end - chunk.length);
      await file.seek(start, Deno.SeekMode.Start);
      let filled = 0;
      while (filled < end - start) {
        const read = await file.read(chunk.subarray(filled, end - start));
        if (read === null) break;
        filled += read;
      }
      const newline = chunk.subarray(0, filled).lastIndexOf(0x0a);
      if (newline >= 0) return size - (start + newline + 1);
      end = start;
    }
    return size;
  } finally {
    file.close();
  }
}

/**
 * Appends sample records to `samples.jsonl`, one write per line, so each
 * line is either wholly on disk or (after a crash mid-write) a torn tail
 * that readers ignore. Writes are synchronous: a line is small, and a
 * thread-pool round trip per line would cost more than the write.
 */
export class SampleLog {
  #file: Deno.FsFile;
  #encoder = new TextEncoder();

  private constructor(file: Deno.FsFile) {
    this.#file = file;
  }

  /** Opens the log for appending, first cutting any torn tail. */
  static async open(path: string, options: { truncate?: boolean } = {}): Promise<SampleLog> {
    if (!options.truncate) {
      const torn = await tornTailBytes(path);
      if (torn > 0) await Deno.truncate(path, (await Deno.stat(path)).size - torn);
    }
    const file = await Deno.open(path, {
      create: true,
      write: true,
      append: !options.truncate,
      truncate: options.truncate ?? false,
    });
    return new SampleLog(file);
  }

  /** Appends one record; resolves once its line is written. */
  append(record: SampleRecord): Promise<void> {
    try {
      const bytes = this.#encoder.encode(JSON.stringify(record) + "\n");
      for (let done = 0; done < bytes.length;) done += this.#file.writeSync(bytes.subarray(done));
      return Promise.resolve();
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** Closes the file. */
  close(): Promise<void> {
    this.#file.close();
    return Promise.resolve();
  }
}
