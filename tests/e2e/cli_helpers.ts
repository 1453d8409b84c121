/**
 * Running the real CLI as a subprocess, and replay servers built from the
 * real generations in `tests/testdata`.
 *
 * @module
 */
import { type OpenAIServer, startOpenAIServer } from "../../testing/openai_server.ts";

/** The project root. */
export const ROOT = new URL("../../", import.meta.url).pathname;

/** Output of one CLI run. */
export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `deno run -A cli.ts ...args` from the project root. */
export async function runCli(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--quiet", `${ROOT}cli.ts`, ...args],
    cwd: ROOT,
    env: { NO_COLOR: "1", SKYEVAL_CACHE_DIR: `${ROOT}.cache/test`, ...env },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decoder = new TextDecoder();
  return { code: out.code, stdout: decoder.decode(out.stdout), stderr: decoder.decode(out.stderr) };
}

/** `--task`, `--model` and an OpenAI-compatible backend at `baseUrl`. */
export function taskFlags(task: string, model: string, baseUrl: string): string[] {
  return [
    "--task",
    task,
    "--model",
    model,
    "--backend",
    "openai",
    "--backend-args",
    `base_url=${baseUrl},api_key=test`,
  ];
}

/** Reads a JSONL file into objects. */
export async function readJsonl<T = Record<string, unknown>>(path: string): Promise<T[]> {
  return (await Deno.readTextFile(path)).split("\n").filter((l) => l.trim()).map((l) =>
    JSON.parse(l)
  );
}

/**
 * A server that answers each prompt with the recorded response of the
 * (longest) problem the prompt contains.
 */
export function startReplayServer(
  answers: ReadonlyMap<string, string>,
  options: { latencyMs?: number } = {},
): Promise<OpenAIServer> {
  const problems = [...answers.keys()];
  return startOpenAIServer({
    ...(options.latencyMs ? { latencyMs: options.latencyMs } : {}),
    answer(req) {
      const prompt = req.messages.findLast((m) => m.role === "user")?.content ?? "";
      const problem = problems.filter((p) => prompt.includes(p))
        .reduce<string | undefined>((a, p) => (a && a.length >= p.length ? a : p), undefined);
      if (problem === undefined) throw new Error(`No recorded answer for "${prompt.slice(0, 60)}"`);
      return answers.get(problem)!;
    },
  });
}

/** The single run folder inside a result dir. */
export async function onlyRunDir(resultDir: string): Promise<string> {
  const dirs: string[] = [];
  for await (const e of Deno.readDir(resultDir)) {
    if (e.isDirectory) dirs.push(`${resultDir}/${e.name}`);
  }
  if (dirs.length !== 1) {
    throw new Error(`Expected one run folder in ${resultDir}, found ${dirs.length}`);
  }
  return dirs[0];
}

/**
 * Writes a math task of `problems` rows ("What is i + 1?") with its data
 * file into `dir`; returns the task file's path.
 */
export async function writeArithmeticTask(dir: string, problems: number): Promise<string> {
  const rows = Array.from(
    { length: problems },
    (_, i) => JSON.stringify({ problem: `What is ${i} + 1?`, answer: String(i + 1) }),
  );
  await Deno.writeTextFile(`${dir}/problems.jsonl`, rows.join("\n") + "\n");
  await Deno.writeTextFile(
    `${dir}/arithmetic.yaml`,
    [
      "handler: math",
      "dataset_path: problems.jsonl",
      "question_key: problem",
      "answer_key: answer",
      "templating_parameters:",
      '  template: "{problem}"',
    ].join("\n") + "\n",
  );
  return `${dir}/arithmetic.yaml`;
}
