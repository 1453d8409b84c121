/**
 * `skyeval demo`: a real evaluation with no GPU and no network. It starts a
 * local OpenAI-compatible server that replays recorded answers to the demo
 * task's 12 problems, then runs `evaluate` against it over HTTP, so the whole
 * path runs: task file, dataset file, conversations, backend, grading, run
 * folder.
 *
 * @module
 */
import { startOpenAIServer } from "../testing/openai_server.ts";
import { parseFlags } from "./flags.ts";
import type { CommandIO } from "./io.ts";
import { runEvaluate } from "./evaluate.ts";

const DEMO_DIR = new URL("../demo/", import.meta.url);

/** Help text for `demo`. */
export const DEMO_HELP = `Usage: skyeval demo [--result-dir DIR] [--scorer auto|native|ts]

Runs a complete evaluation of the bundled demo task (12 math problems)
against a local replay server: no GPU, no network. Writes the run folder
under --result-dir (default ./results).`;

/** Runs `demo`; returns the exit code. */
export async function runDemo(args: string[], io: CommandIO): Promise<number> {
  const { values } = parseFlags("demo", args, {
    "result-dir": { type: "string", default: "./results" },
    scorer: { type: "string" },
    help: { type: "boolean", short: "h" },
  });
  if (values.help) {
    io.print(DEMO_HELP);
    return 0;
  }
  const recorded = JSON.parse(await Deno.readTextFile(new URL("answers.json", DEMO_DIR))) as Record<
    string,
    string | { text: string; finish_reason: string }
  >;
  const server = await startOpenAIServer({
    model: "skyeval-demo",
    answer(req) {
      const prompt = req.messages.findLast((m) => m.role === "user")?.content ?? "";
      const problem = Object.keys(recorded).find((p) => prompt.endsWith(p));
      const answer = problem === undefined ? "I do not know." : recorded[problem];
      return [
        typeof answer === "string"
          ? answer
          : { text: answer.text, finishReason: answer.finish_reason },
      ];
    },
  });
  io.stderr(`demo: replay server listening at ${server.url}`);
  try {
    return await runEvaluate("evaluate", [
      "--task",
      new URL("demo_math.yaml", DEMO_DIR).pathname,
      "--model",
      "skyeval-demo",
      "--system-prompt",
      "Please reason step by step, and put your final answer within \\boxed{}.",
      "--backend",
      "openai",
      "--backend-args",
      `base_url=${server.url},api_key=demo`,
      "--result-dir",
      values["result-dir"],
      "--overwrite",
      ...(values.scorer ? ["--scorer", values.scorer] : []),
    ], io);
  } finally {
    await server.close();
  }
}
