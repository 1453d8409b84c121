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
import { z } from "zod";
import type { Score } from "../core/verdict.ts";
import {
  type AnswerFormat,
  type AnswerGrader,
  type AnswerItem,
  tsAnswerGrader,
} from "../scoring/answer/mod.ts";
import { type NativeAnswerGrader, openNativeAnswerGrader } from "../native/mod.ts";

/** Help text of `skyeval grade`. */
export const gradeHelp =
  `Usage: skyeval grade [--input FILE.jsonl] [--output FILE] [--scorer native|ts|auto]

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
  /** Lines per batch (default 4096). */
  batchSize?: number;
}

class BadLine extends Error {}

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

/** Splits a byte stream into text lines (without their line ends). */
async function* readLines(stream: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  const reader = stream.pipeThrough(new TextDecoderStream()).getReader();
  let rest = "";
  let finished = false;
  try {
    while (true) {
      const { value, done } = await reader.read();
      if (done) {
        finished = true;
        break;
      }
      const text = rest + value;
      let start = 0;
      let nl = text.indexOf("\n");
      while (nl >= 0) {
        yield text.charCodeAt(nl - 1) === 13 ? text.slice(start, nl - 1) : text.slice(start, nl);
        start = nl + 1;
        nl = text.indexOf("\n", start);
      }
      rest = text.slice(start);
    }
    if (rest.length > 0) yield rest.endsWith("\r") ? rest.slice(0, -1) : rest;
  } finally {
    if (!finished) await reader.cancel().catch(() => {});
    reader.releaseLock();
  }
}

function pickGrader(
  scorer: string,
  options: GradeOptions,
): AnswerGrader | NativeAnswerGrader | { unavailable: string } {
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
    const scorer = options.codeScorer;
    const results = await Promise.all(code.map(async (p): Promise<Score> => {
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
    }));
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

/**
 * Runs `grade` with its arguments (after the command name). Returns the exit
 * code: 0 done, 1 unusable input/output or scorer, 2 bad flags or input line.
 */
export async function runGrade(
  args: string[],
  io: GradeIO,
  options: GradeOptions = {},
): Promise<number> {
  let values: { input?: string; output?: string; scorer?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args,
      options: {
        input: { type: "string" },
        output: { type: "string" },
        scorer: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    io.stderr(`grade: ${(err as Error).message} (see "skyeval grade --help")`);
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
    io.stderr(`grade: --scorer must be native, ts or auto, not "${scorer}"`);
    return 2;
  }
  const grader = pickGrader(scorer, options);
  if ("unavailable" in grader) {
    io.stderr(`grade: ${grader.unavailable}`);
    return 1;
  }

  let input: ReadableStream<Uint8Array> = io.stdin;
  if (values.input !== undefined && values.input !== "-") {
    try {
      input = (await Deno.open(values.input, { read: true })).readable;
    } catch (err) {
      io.stderr(`grade: Cannot read input "${values.input}": ${(err as Error).message}`);
      return 1;
    }
  }
  let output: WritableStream<Uint8Array> = io.stdout;
  let file: Deno.FsFile | undefined;
  if (values.output !== undefined && values.output !== "-") {
    try {
      file = await Deno.open(values.output, { write: true, create: true, truncate: true });
      output = file.writable;
    } catch (err) {
      await input.cancel().catch(() => {});
      io.stderr(`grade: Cannot write output "${values.output}": ${(err as Error).message}`);
      return 1;
    }
  }
  const writer = output.getWriter();
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
    for await (const text of readLines(input)) {
      lineNo++;
      if (io.signal?.aborted) break;
      if (text.trim() === "") continue;
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
    io.stderr(`grade: ${(err as Error).message}`);
    return 1;
  } finally {
    if (file !== undefined) await writer.close().catch(() => {});
    else writer.releaseLock();
    if ("close" in grader) grader.close();
  }
  if (failure !== null) {
    io.stderr(`grade: ${failure}`);
    return 2;
  }
  return 0;
}
