/**
 * The skyeval command line: `evaluate`, `generate`, `score`, `grade`,
 * `list`, `demo`. The only module that reads argv and the environment,
 * prints, or exits.
 *
 * @module
 */
import { type CommandIO, UsageError } from "./cli/io.ts";
import { runEvaluate } from "./cli/evaluate.ts";
import { runScore } from "./cli/score.ts";
import { runList } from "./cli/list.ts";
import { runDemo } from "./cli/demo.ts";
import { runGrade } from "./cli/grade.ts";
import { runCompare } from "./cli/compare.ts";
import { runReport } from "./cli/report.ts";
import {
  type CodeGradeLine,
  type CodeScorer,
  createCodeScorer,
  gradeCodeLine,
} from "./scoring/code/mod.ts";
import { VERSION } from "./version.ts";

const HELP = `skyeval ${VERSION}: evaluate LLMs on reasoning benchmarks (SkyThought-compatible)

Usage: skyeval <command> [options]

Commands:
  evaluate   generate responses for a task and score them
  generate   generate responses and save them unscored
  score      re-score a run folder in place
  grade      grade a JSONL file of responses (math, multiple choice, code)
  compare    compare two runs on their shared problems (paired test)
  report     write the HTML report of a run (or of two runs side by side)
  list       list tasks, models or prompts
  demo       run a complete evaluation against a local replay server

Run "skyeval <command> --help" for a command's options.`;

async function main(args: string[], io: CommandIO): Promise<number> {
  const [command, ...rest] = args;
  switch (command) {
    case "evaluate":
    case "generate":
      return await runEvaluate(command, rest, io);
    case "score":
      return await runScore(rest, io);
    case "grade": {
      // The sandbox starts only when the first code line arrives.
      let scorer: Promise<CodeScorer> | undefined;
      // On SIGINT/SIGTERM, closing the sandbox ends the programs still running (as infra_error),
      // so grade writes what it has instead of waiting out their time limits.
      const stop = () => scorer?.then((s) => s.close()).catch(() => {});
      io.signal?.addEventListener("abort", stop, { once: true });
      try {
        return await runGrade(rest, io, {
          codeScorer: async (line) =>
            gradeCodeLine(
              await (scorer ??= createCodeScorer({ handleSignals: false })),
              line as unknown as CodeGradeLine,
            ),
        });
      } finally {
        io.signal?.removeEventListener("abort", stop);
        if (scorer) await (await scorer).close();
      }
    }
    case "compare":
      return await runCompare(rest, io);
    case "report":
      return await runReport(rest, io);
    case "list":
      return await runList(rest, io);
    case "demo":
      return await runDemo(rest, io);
    case "--version":
    case "-V":
      io.print(`skyeval ${VERSION}`);
      return 0;
    case undefined:
    case "--help":
    case "-h":
    case "help":
      io.print(HELP);
      return command === undefined ? 2 : 0;
    default:
      throw new UsageError(`Unknown command "${command}" (see "skyeval --help")`);
  }
}

if (import.meta.main) {
  const controller = new AbortController();
  let interrupts = 0;
  const interrupt = () => {
    if (++interrupts > 1) Deno.exit(130);
    console.error(
      "\ninterrupt: saving finished samples and stopping servers (again to quit at once)",
    );
    controller.abort(new DOMException("Interrupted", "AbortError"));
  };
  Deno.addSignalListener("SIGINT", interrupt);
  Deno.addSignalListener("SIGTERM", interrupt);
  const encoder = new TextEncoder();
  const noColor = (Deno.env.get("NO_COLOR") ?? "") !== "";
  let lastStatus = "";
  const io: CommandIO = {
    stdin: Deno.stdin.readable,
    stdout: Deno.stdout.writable,
    stderr: (line) => console.error(line),
    print: (line) => {
      try {
        Deno.stdout.writeSync(encoder.encode(line + "\n"));
      } catch (error) {
        // The reader went away (`skyeval list tasks | head`): nothing left to say.
        if (error instanceof Deno.errors.BrokenPipe) Deno.exit(0);
        throw error;
      }
    },
    env: (name) => Deno.env.get(name),
    isTerminal: Deno.stderr.isTerminal(),
    // Redraw in place; with NO_COLOR, without escape codes (pad over the last line instead).
    status: (line) => {
      const clear = noColor ? (line ?? "").padEnd(lastStatus.length) : `\x1b[2K${line}`;
      Deno.stderr.writeSync(encoder.encode(line === null ? "\n" : `\r${clear}`));
      lastStatus = line ?? "";
    },
    signal: controller.signal,
  };
  let code: number;
  try {
    code = await main(Deno.args, io);
  } catch (error) {
    if (controller.signal.aborted) {
      // Ctrl-C outside a run (loading the dataset, starting a server): nothing to save.
      console.error("interrupted: nothing more to save");
      Deno.exit(130);
    }
    const message = error instanceof Error ? error.message : String(error);
    const known = error instanceof UsageError || error instanceof TypeError ||
      ["DatasetError", "TaskConfigError", "RunDirError", "BackendError"].includes(
        (error as Error)?.name,
      );
    console.error(`error: ${message.split("\n")[0]}`);
    if (!known && Deno.env.get("SKYEVAL_DEBUG")) console.error(error);
    code = known ? 2 : 1;
  }
  Deno.exit(code);
}
