/**
 * Loader of the native answer grader (`native/`, a Rust cdylib): the same
 * rules as `scoring/answer/`, graded a whole batch per FFI call on all cores.
 * Needs `--allow-ffi` (and `--allow-read`) for the library path only.
 *
 * @module
 */

import { fileURLToPath } from "node:url";
import type { Score, Verdict } from "../core/verdict.ts";
import { correctnessOf } from "../core/verdict.ts";
import type { AnswerGrader, AnswerItem } from "../scoring/answer/mod.ts";
import { ANSWER_FORMATS } from "../scoring/answer/mod.ts";
import { cleanText } from "../scoring/answer/grade.ts";
import { RULES } from "../scoring/answer/rules.ts";

/** The ABI version this loader speaks (`skyeval_abi_version()`). */
export const NATIVE_ABI_VERSION = 3;

const SYMBOLS = {
  skyeval_abi_version: { parameters: [], result: "u32" },
  skyeval_grade_batch: {
    parameters: ["buffer", "usize", "u32", "u32", "buffer", "usize"],
    result: "usize",
  },
  skyeval_grade_batch_async: {
    name: "skyeval_grade_batch",
    parameters: ["buffer", "usize", "u32", "u32", "buffer", "usize"],
    result: "usize",
    nonblocking: true,
  },
  skyeval_grade_jsonl: {
    parameters: ["buffer", "usize", "u32", "buffer", "usize"],
    result: "usize",
    nonblocking: true,
  },
} as const;

const VERDICTS: readonly Verdict[] = RULES.verdicts;
const DETAILS: readonly (string | undefined)[] = RULES.details.map((d) => d === "" ? undefined : d);

/** The native grader, with an asynchronous batch call that leaves the event loop free. */
export interface NativeAnswerGrader extends AnswerGrader {
  readonly path: "native";
  /** Grades on a background thread (use for batches of thousands). */
  gradeAsync(items: readonly AnswerItem[]): Promise<Score[]>;
  /**
   * Grades complete JSONL lines of the `grade` command on a background thread
   * and returns one record per line: `B` (blank), `O<result JSON>`, or
   * `J<start>,<end>` (a byte range JavaScript must handle), each ending in `\n`.
   */
  gradeJsonl(lines: Uint8Array): Promise<Uint8Array>;
  /** Unloads the library. */
  close(): void;
}

/** Where `deno task build:native` puts the library, resolved from this module. */
export function defaultNativeLibraryPath(): string {
  const os = Deno.build.os;
  const file = os === "windows"
    ? "skyeval_native.dll"
    : os === "darwin"
    ? "libskyeval_native.dylib"
    : "libskyeval_native.so";
  return fileURLToPath(new URL(`./target/release/${file}`, import.meta.url));
}

/** Packs a batch into one NUL-separated buffer (see `native/src/lib.rs`). */
export function packItems(items: readonly AnswerItem[]): Uint8Array {
  const fields: string[] = [];
  let capacity = 0;
  for (const item of items) {
    const format = ANSWER_FORMATS.indexOf(item.format);
    if (format < 0) throw new TypeError(`Unknown answer format "${item.format}"`);
    const choices = item.choices ?? [];
    fields.push(
      `${format}${item.finishReason === "length" ? 1 : 0}`,
      cleanText(item.response),
      cleanText(item.gold),
      String(choices.length),
    );
    for (const c of choices) fields.push(cleanText(c));
  }
  for (const f of fields) capacity += f.length * 3 + 1;
  const buf = new Uint8Array(capacity);
  const encoder = new TextEncoder();
  let off = 0;
  for (let i = 0; i < fields.length; i++) {
    if (i > 0) buf[off++] = 0;
    off += encoder.encodeInto(fields[i], buf.subarray(off)).written;
  }
  return buf.subarray(0, off);
}

/** Decodes the packed results of `n` items. */
export function unpackScores(bytes: Uint8Array, n: number): Score[] {
  const fields = new TextDecoder().decode(bytes).split("\0");
  if (fields.length !== n + 1) {
    throw new RangeError(`Native grader returned ${fields.length - 1} results for ${n} items`);
  }
  const scores: Score[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const f = fields[i];
    const verdict = VERDICTS[f.charCodeAt(0) - 48];
    const detail = DETAILS[f.charCodeAt(2) - 48];
    const s: Score = {
      verdict,
      correct: correctnessOf(verdict),
      extracted: f[1] === "1" ? f.slice(3) : null,
    };
    if (detail !== undefined) s.detail = detail;
    scores[i] = s;
  }
  return scores;
}

function outputCapacity(input: Uint8Array, n: number): number {
  return input.length + n * 64 + 1024;
}

/**
 * Opens the native grader, or says why it is unavailable (library not built,
 * no FFI permission, ABI mismatch). `threads` 0 means all cores.
 */
export function openNativeAnswerGrader(
  options: { path?: string; threads?: number } = {},
): NativeAnswerGrader | { unavailable: string } {
  const path = options.path ?? defaultNativeLibraryPath();
  const threads = options.threads ?? 0;
  try {
    Deno.statSync(path);
  } catch {
    return {
      unavailable: `Native library "${path}" does not exist: run "deno task build:native"`,
    };
  }
  let lib: Deno.DynamicLibrary<typeof SYMBOLS>;
  try {
    lib = Deno.dlopen(path, SYMBOLS);
  } catch (err) {
    return { unavailable: `Cannot load native library "${path}": ${(err as Error).message}` };
  }
  const abi = lib.symbols.skyeval_abi_version();
  if (abi !== NATIVE_ABI_VERSION) {
    lib.close();
    return {
      unavailable:
        `Native library "${path}" has ABI version ${abi}, expected ${NATIVE_ABI_VERSION}: rebuild it`,
    };
  }
  const check = (needed: bigint): number => {
    if (needed === 0xffffffffffffffffn) {
      throw new RangeError("Native grader rejected the packed batch");
    }
    return Number(needed);
  };
  // Every entry point writes into `out` and returns the bytes it needed; when
  // `out` was too small, the call is repeated once with a buffer that fits.
  const intoBuffer = (capacity: number, call: (out: Uint8Array) => bigint): Uint8Array => {
    let out = new Uint8Array(capacity);
    let n = check(call(out));
    if (n > out.length) {
      out = new Uint8Array(n);
      n = check(call(out));
    }
    return out.subarray(0, n);
  };
  const intoBufferAsync = async (
    capacity: number,
    call: (out: Uint8Array) => Promise<bigint>,
  ): Promise<Uint8Array> => {
    let out = new Uint8Array(capacity);
    let n = check(await call(out));
    if (n > out.length) {
      out = new Uint8Array(n);
      n = check(await call(out));
    }
    return out.subarray(0, n);
  };
  return {
    path: "native",
    grade(items: readonly AnswerItem[]): Score[] {
      if (items.length === 0) return [];
      const input = packItems(items);
      const out = intoBuffer(
        outputCapacity(input, items.length),
        (out) =>
          lib.symbols.skyeval_grade_batch(
            input,
            BigInt(input.length),
            items.length,
            threads,
            out,
            BigInt(out.length),
          ),
      );
      return unpackScores(out, items.length);
    },
    async gradeAsync(items: readonly AnswerItem[]): Promise<Score[]> {
      if (items.length === 0) return [];
      const input = packItems(items);
      const out = await intoBufferAsync(
        outputCapacity(input, items.length),
        (out) =>
          lib.symbols.skyeval_grade_batch_async(
            input,
            BigInt(input.length),
            items.length,
            threads,
            out,
            BigInt(out.length),
          ),
      );
      return unpackScores(out, items.length);
    },
    gradeJsonl(lines: Uint8Array): Promise<Uint8Array> {
      return intoBufferAsync(
        lines.length * 2 + 65536,
        (out) =>
          lib.symbols.skyeval_grade_jsonl(
            lines,
            BigInt(lines.length),
            threads,
            out,
            BigInt(out.length),
          ),
      );
    },
    close(): void {
      lib.close();
    },
  };
}
