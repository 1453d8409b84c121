/**
 * The `grade` command: a standalone verifier for pipelines (RL rewards, data
 * curation). Reads JSONL `{"id","response","gold","kind","task"?}` lines and
 * writes one `{"id","correct","verdict","extracted"}` line per input, in
 * order, streaming in batches. Math and multiple-choice lines go to the
 * native grader when it is built (else the TypeScript one); code lines go to
 * an injected code scorer.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { z } from "npm:zod@4.6.7";
import type { Score } from "../core/verdict.ts";
import {
  type AnswerFormat,
  type AnswerGrader,
  type AnswerItem,
  GRADER_MODES,
  type GraderMode,
  tsAnswerGrader,
} from "../scoring/answer/mod.ts";
import { type NativeAnswerGrader, openNativeAnswerGrader } from "../native/mod.ts";
import { concatBytes } from "../core/bytes.ts";
import { textLines } from "../core/text_lines.ts";

/** Help text of `skyeval grade`. */
export const gradeHelp =
  `Usage: skyeval grade [--input FILE.jsonl] [--output FILE] [--scorer native|ts|auto]
                     [--grader skyeval|skythought]

Grades one JSON object per input line and writes one result line per input, in order:
  in:  {"id": ..., "response": "...", "gold": "...", "kind": "math"|"mcq"|"code", "task"?: "..."}
  out: {"id": ..., "correct": true|false|null, "verdict": "...", "extracted": "..."|null}

  math lines   gold is the reference answer; task "gsm8k" (or "format": "gsm8k") compares numbers
  mcq lines    gold is the letter; optional "choices" (option texts, in letter order) and
               "format": "choice"|"mmlu_pro"|"arc" (task "mmlu_pro" / "arc_c" pick it too)
  code lines   carry "tests" (APPS input_output form) instead of gold
  optional     "finish_reason": "length" marks a response cut by max_tokens (verdict "truncated")

Options:
  --input FILE     JSONL input (default: standard input)
  --output FILE    where to write results (default: standard output)
  --scorer NAME    native, ts, or auto (native when built, default)
  --grader RULES   skyeval (default) or skythought (the reference's leniencies; TypeScript)
  -h, --help       show this help

Verdicts: correct, incorrect, no_answer, truncated, grader_error (unscored); code lines also
wrong_answer, runtime_error, timeout, ..., no_code, infra_error (unscored).
Exit codes: 0 done, 1 input or output unusable, 2 bad flags or a bad input line (lines before
it are written).`;

const AnswerFormatSchema = z.enum(["math", "gsm8k", "choice", "mmlu_pro", "arc"]);

/** One input line of `grade`. */
export const GradeLineSchema = z.object({
  id: z.union([z.string(), z.number()]),
  response: z.string(),
  gold: z.union([z.string(), z.number()]).optional(),
  kind: z.enum(["math", "mcq", "code"]),
  task: z.string().optional(),
  format: AnswerFormatSchema.optional(),
  choices: z.array(z.string()).optional(),
  finish_reason: z.string().nullable().optional(),
  finishReason: z.string().nullable().optional(),
  tests: z.unknown().optional(),
}).passthrough();

/** One input line of `grade`, validated. */
export type GradeLine = z.infer<typeof GradeLineSchema>;

/** The process streams `grade` uses. */
export interface GradeIO {
  stdin: ReadableStream<Uint8Array>;
  stdout: WritableStream<Uint8Array>;
  stderr: (line: string) => void;
  signal?: AbortSignal;
}

/** Injected parts of `grade`. */
export interface GradeOptions {
  /** Scores a `"kind":"code"` line; without it code lines are `infra_error`. */
  codeScorer?: (line: GradeLine) => Promise<Score>;
  /** Path of the native library (default: native/target/release). */
  nativeLibraryPath?: string;
  /** Lines per batch of the TypeScript path (default 4096). */
  batchSize?: number;
  /** Bytes of input per native call (default 4 MiB). */
  chunkBytes?: number;
}

class BadLine extends Error {}

/** Whether a line is only ASCII whitespace (the native path skips the same lines). */
function isBlank(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c !== 32 && (c < 9 || c > 13)) return false;
  }
  return true;
}

function formatOf(line: GradeLine, lineNo: number): AnswerFormat {
  if (line.format !== undefined) {
    const ok = line.kind === "math"
      ? line.format === "math" || line.format === "gsm8k"
      : line.format !== "math" && line.format !== "gsm8k";
    if (!ok) {
      throw new BadLine(`Line ${lineNo}: format "${line.format}" does not fit kind "${line.kind}"`);
    }
    return line.format;
  }
  const task = (line.task ?? "").toLowerCase();
  if (line.kind === "math") return task.includes("gsm8k") ? "gsm8k" : "math";
  if (task.includes("mmlu_pro") || task.includes("mmlu-pro")) return "mmlu_pro";
  if (task.startsWith("arc")) return "arc";
  return "choice";
}

function describeIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.length > 0 ? i.path.join(".") : "line"}: ${i.message}`)
    .join("; ");
}

interface Parsed {
  id: string | number;
  line: GradeLine;
  item?: AnswerItem;
}

function parseLine(text: string, lineNo: number): Parsed {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new BadLine(`Line ${lineNo} is not JSON: ${(err as Error).message}`);
  }
  const r = GradeLineSchema.safeParse(value);
  if (!r.success) {
    throw new BadLine(`Line ${lineNo} is not a grade input: ${describeIssues(r.error)}`);
  }
  const line = r.data;
  if (line.kind === "code") return { id: line.id, line };
  if (line.gold === undefined) {
    throw new BadLine(`Line ${lineNo} (kind "${line.kind}") has no "gold"`);
  }
  const item: AnswerItem = {
    response: line.response,
    gold: String(line.gold),
    format: formatOf(line, lineNo),
    finishReason: line.finish_reason ?? line.finishReason ?? null,
  };
  if (line.choices !== undefined) item.choices = line.choices;
  return { id: line.id, line, item };
}

function pickGrader(
  scorer: string,
  mode: GraderMode,
  options: GradeOptions,
): AnswerGrader | NativeAnswerGrader | { unavailable: string } {
  if (mode !== "skyeval") return tsAnswerGrader({ mode });
  if (scorer === "ts") return tsAnswerGrader();
  const native = openNativeAnswerGrader({ path: options.nativeLibraryPath });
  if ("unavailable" in native && scorer === "auto") return tsAnswerGrader();
  return native;
}

function resultLine(id: string | number, s: Score): string {
  return JSON.stringify({ id, correct: s.correct, verdict: s.verdict, extracted: s.extracted });
}

async function gradeBatch(
  batch: Parsed[],
  grader: AnswerGrader | NativeAnswerGrader,
  options: GradeOptions,
): Promise<string> {
  const items: AnswerItem[] = [];
  for (const p of batch) if (p.item !== undefined) items.push(p.item);
  const scores = "gradeAsync" in grader ? await grader.gradeAsync(items) : grader.grade(items);
  const code = batch.filter((p) => p.item === undefined);
  const codeScores = new Map<Parsed, Score>();
  if (code.length > 0) {
    const results = await Promise.all(code.map((p) => scoreCode(p, options)));
    code.forEach((p, i) => codeScores.set(p, results[i]));
  }
  let out = "";
  let k = 0;
  for (const p of batch) {
    const s = p.item !== undefined ? scores[k++] : codeScores.get(p)!;
    out += resultLine(p.id, s) + "\n";
  }
  return out;
}

/** Bytes of complete lines handed to the native grader per call. */
const NATIVE_CHUNK_BYTES = 4 << 20;

interface ChunkReader {
  /** The next run of complete lines (the last one may lack its newline at the end), or null. */
  next(): Promise<Uint8Array | null>;
  cancel(): Promise<void>;
}

function chunkReader(stream: ReadableStream<Uint8Array>, chunkBytes: number): ChunkReader {
  const reader = stream.getReader();
  let carry: Uint8Array = new Uint8Array(0);
  let first = true;
  let done = false;
  return {
    async next(): Promise<Uint8Array | null> {
      const parts: Uint8Array[] = carry.length > 0 ? [carry] : [];
      let size = carry.length;
      let newline = false;
      while (!done && (size < chunkBytes || !newline)) {
        const r = await reader.read();
        if (r.done) {
          done = true;
          break;
        }
        parts.push(r.value);
        size += r.value.length;
        if (!newline && r.value.lastIndexOf(10) >= 0) newline = true;
      }
      let all: Uint8Array = parts.length === 1 ? parts[0] : concatBytes(parts);
      if (first && all.length >= 3 && all[0] === 0xef && all[1] === 0xbb && all[2] === 0xbf) {
        all = all.subarray(3);
      }
      first = false;
      if (done) {
        carry = new Uint8Array(0);
        return all.length > 0 ? all : null;
      }
      const cut = all.lastIndexOf(10);
      carry = all.slice(cut + 1);
      return all.subarray(0, cut + 1);
    },
    async cancel(): Promise<void> {
      if (!done) await reader.cancel().catch(() => {});
      reader.releaseLock();
    },
  };
}

/**
 * Turns the native records of one chunk into output bytes. Lines the native
 * side passed back are parsed (and graded) here. Returns the output and, on a
 * bad line, its message (the output then holds only the lines before it).
 */
async function finishNativeChunk(
  records: Uint8Array,
  part: Uint8Array,
  firstLineNo: number,
  options: GradeOptions,
): Promise<{ bytes: Uint8Array; lines: number; failure: string | null }> {
  const encoder = new TextEncoder();
  const decoder = new TextDecoder();
  const pieces: (Uint8Array | Promise<Uint8Array>)[] = [];
  let failure: string | null = null;
  let pos = 0;
  let lines = 0;
  let runStart = -1;
  const closeRun = (end: number) => {
    if (runStart >= 0) pieces.push(records.subarray(runStart, end));
    runStart = -1;
  };
  while (pos < records.length) {
    const end = records.indexOf(10, pos);
    const tag = records[pos];
    const lineNo = firstLineNo + lines;
    lines++;
    if (tag === 79) {
      if (runStart < 0) runStart = pos;
      // Keep 'O' records contiguous; their tags are stripped below.
    } else {
      closeRun(pos);
      if (tag === 74) {
        const [a, b] = decoder.decode(records.subarray(pos + 1, end)).split(",").map(Number);
        let p: Parsed;
        try {
          p = parseLine(decoder.decode(part.subarray(a, b)), lineNo);
        } catch (err) {
          if (!(err instanceof BadLine)) throw err;
          failure = err.message;
          break;
        }
        if (p.item !== undefined) {
          pieces.push(encoder.encode(resultLine(p.id, tsAnswerGrader().grade([p.item])[0]) + "\n"));
        } else {
          pieces.push(
            scoreCode(p, options).then((s) => encoder.encode(resultLine(p.id, s) + "\n")),
          );
        }
      }
    }
    pos = end + 1;
  }
  if (failure === null) closeRun(records.length);
  else closeRun(pos);
  const resolved = await Promise.all(pieces);
  // Drop the one-byte 'O' tags of the native records.
  const stripped = resolved.map((piece) => piece[0] === 79 ? stripTags(piece) : piece);
  return { bytes: concatBytes(stripped), lines, failure };
}

function stripTags(run: Uint8Array): Uint8Array {
  const out = new Uint8Array(run.length);
  let o = 0;
  let i = 0;
  while (i < run.length) {
    const end = run.indexOf(10, i);
    out.set(run.subarray(i + 1, end + 1), o);
    o += end - i;
    i = end + 1;
  }
  return out.subarray(0, o);
}

async function scoreCode(p: Parsed, options: GradeOptions): Promise<Score> {
  const scorer = options.codeScorer;
  if (scorer === undefined) {
    return { verdict: "infra_error", correct: null, extracted: null, detail: "no code scorer" };
  }
  try {
    return await scorer(p.line);
  } catch (err) {
    return {
      verdict: "infra_error",
      correct: null,
      extracted: null,
      detail: (err as Error).message,
    };
  }
}

/** The native streaming path: bytes in, bytes out, JSON handled in Rust. */
async function gradeNativeStream(
  input: ReadableStream<Uint8Array>,
  writer: WritableStreamDefaultWriter<Uint8Array>,
  grader: NativeAnswerGrader,
  options: GradeOptions,
  signal: AbortSignal | undefined,
): Promise<string | null> {
  const chunks = chunkReader(input, options.chunkBytes ?? NATIVE_CHUNK_BYTES);
  let lineNo = 1;
  let inflight: { records: Promise<Uint8Array>; part: Uint8Array } | null = null;
  try {
    while (true) {
      const next = signal?.aborted ? null : await chunks.next();
      if (inflight !== null) {
        const done = await finishNativeChunk(
          await inflight.records,
          inflight.part,
          lineNo,
          options,
        );
        lineNo += done.lines;
        await writer.write(done.bytes);
        inflight = null;
        if (done.failure !== null) return done.failure;
      }
      if (next === null) return null;
      inflight = { records: grader.gradeJsonl(next), part: next };
    }
  } finally {
    if (inflight !== null) await inflight.records.catch(() => {});
    await chunks.cancel();
  }
}

/**
 * Runs `grade` with its arguments (after the command name). Returns the exit
 * code: 0 done, 1 unusable input/output or scorer, 2 bad flags or input line.
 */
export async function runGrade(
  args: string[],
  io: GradeIO,
  options: GradeOptions = {},
): Promise<number> {
  let values: {
    input?: string;
    output?: string;
    scorer?: string;
    grader?: string;
    help?: boolean;
  };
  try {
    ({ values } = parseArgs({
      args,
      options: {
        input: { type: "string" },
        output: { type: "string" },
        scorer: { type: "string" },
        grader: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    io.stderr(`error: ${(err as Error).message} (see "skyeval grade --help")`);
    return 2;
  }
  const encoder = new TextEncoder();
  if (values.help) {
    const w = io.stdout.getWriter();
    await w.write(encoder.encode(gradeHelp + "\n"));
    w.releaseLock();
    return 0;
  }
  const scorer = values.scorer ?? "auto";
  if (scorer !== "native" && scorer !== "ts" && scorer !== "auto") {
    io.stderr(`error: --scorer must be native, ts or auto, not "${scorer}"`);
    return 2;
  }
  const mode = (values.grader ?? "skyeval") as GraderMode;
  if (!GRADER_MODES.includes(mode)) {
    io.stderr(`grade: --grader must be ${GRADER_MODES.join(" or ")}, not "${values.grader}"`);
    return 2;
  }
  if (mode !== "skyeval" && scorer === "native") {
    io.stderr(`grade: --grader ${mode} runs on the TypeScript grader; drop --scorer native`);
    return 2;
  }
  const grader = pickGrader(scorer, mode, options);
  if ("unavailable" in grader) {
    io.stderr(`error: --scorer ${scorer}: ${grader.unavailable}`);
    return 2;
  }

  let input: ReadableStream<Uint8Array> = io.stdin;
  if (values.input !== undefined && values.input !== "-") {
    try {
      input = (await Deno.open(values.input, { read: true })).readable;
    } catch (err) {
      io.stderr(`error: Cannot read input "${values.input}": ${(err as Error).message}`);
      return 2;
    }
  }
  let output: WritableStream<Uint8Array> = io.stdout;
  let file: Deno.FsFile | undefined;
  let temp: string | undefined;
  if (values.output !== undefined && values.output !== "-") {
    try {
      // Written beside the target and renamed at the end, so a failed run
      // leaves an existing output file as it was.
      temp = `${values.output}.tmp-${crypto.randomUUID().slice(0, 8)}`;
      file = await Deno.open(temp, { write: true, createNew: true });
      output = file.writable;
    } catch (err) {
      await input.cancel().catch(() => {});
      io.stderr(`error: Cannot write output "${values.output}": ${(err as Error).message}`);
      return 2;
    }
  }
  const code = await (async (): Promise<number> => {
    const writer = output.getWriter();
    if ("gradeJsonl" in grader) {
      try {
        const failure = await gradeNativeStream(input, writer, grader, options, io.signal);
        if (failure !== null) {
          io.stderr(`error: ${failure}`);
          return 2;
        }
        return 0;
      } catch (err) {
        io.stderr(`error: ${(err as Error).message}`);
        return 1;
      } finally {
        if (file !== undefined) await writer.close().catch(() => {});
        else writer.releaseLock();
        grader.close();
      }
    }
    const batchSize = options.batchSize ?? 4096;
    let pending: Promise<string> | null = null;
    let failure: string | null = null;
    let lineNo = 0;
    try {
      let batch: Parsed[] = [];
      const flush = async () => {
        const next = gradeBatch(batch, grader, options);
        batch = [];
        if (pending !== null) await writer.write(encoder.encode(await pending));
        pending = next;
      };
      for await (const text of textLines(input)) {
        lineNo++;
        if (io.signal?.aborted) break;
        if (isBlank(text)) continue;
        try {
          batch.push(parseLine(text, lineNo));
        } catch (err) {
          if (!(err instanceof BadLine)) throw err;
          failure = err.message;
          break;
        }
        if (batch.length >= batchSize) await flush();
      }
      if (batch.length > 0) await flush();
      if (pending !== null) await writer.write(encoder.encode(await pending));
    } catch (err) {
      io.stderr(`error: ${(err as Error).message}`);
      return 1;
    } finally {
      if (file !== undefined) await writer.close().catch(() => {});
      else writer.releaseLock();
    }
    if (failure !== null) {
      io.stderr(`error: ${failure}`);
      return 2;
    }
    return 0;
  })();
  if (temp !== undefined && values.output !== undefined) {
    if (code === 0) await Deno.rename(temp, values.output);
    else {
      await Deno.rename(temp, `${values.output}.partial`);
      io.stderr(
        `note: "${values.output}" is unchanged; the lines graded before the failure are in "${values.output}.partial"`,
      );
    }
  }
  return code;
}
