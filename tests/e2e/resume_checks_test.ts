/**
 * `--resume-from` finishes what is left without redoing work, and refuses a folder whose
 * samples came from other data.
 */
import { assertEquals } from "../support/assert.ts";
import { startOpenAIServer } from "../../testing/openai_server.ts";
import { onlyRunDir, readJsonl, runCli, taskFlags } from "./cli_helpers.ts";

interface Logged {
  id: string;
  scored: boolean;
  responses: { correctness: boolean | null; verdict?: string }[];
}

/** A finished run of 5 rows (`i+1?`, answer `i+1`) answered right; its folder and flags. */
async function finishedRun(dir: string, server: { url: string }) {
  const dataset = `${dir}/data.jsonl`;
  const rows = Array.from({ length: 5 }, (_, i) => ({ problem: `${i}+1?`, answer: `${i + 1}` }));
  await Deno.writeTextFile(dataset, rows.map((r) => JSON.stringify(r)).join("\n") + "\n");
  const args = ["evaluate", ...taskFlags("math500", "m", server.url), "--dataset-path", dataset];
  const first = await runCli([...args, "--result-dir", `${dir}/results`]);
  assertEquals(first.code, 0, first.stderr);
  return { dataset, args, runDir: await onlyRunDir(`${dir}/results`) };
}

function answerFromPrompt(req: { messages: { content: string }[] }): string {
  const n = Number(/(\d+)\+1\?/.exec(req.messages.at(-1)!.content)![1]);
  return `So $\\boxed{${n + 1}}$.`;
}

Deno.test("resume scores a generated-but-unscored sample without generating it again", async () => {
  const dir = await Deno.makeTempDir();
  const server = await startOpenAIServer({ answer: answerFromPrompt });
  try {
    const { args, runDir } = await finishedRun(dir, server);
    assertEquals(server.requests.length, 5);
    // As a run killed while scoring leaves it: the latest record of sample 2 is unscored.
    const log = await readJsonl<Logged>(`${runDir}/samples.jsonl`);
    const generated = log.find((r) => r.id === "2")!;
    const unscored: Logged = {
      ...generated,
      scored: false,
      responses: generated.responses.map(({ verdict: _, ...r }) => ({ ...r, correctness: null })),
    };
    await Deno.writeTextFile(`${runDir}/samples.jsonl`, JSON.stringify(unscored) + "\n", {
      append: true,
    });

    const resumed = await runCli([...args, "--resume-from", runDir]);
    assertEquals(resumed.code, 0, resumed.stderr);
    assertEquals(server.requests.length, 5, "a generated sample was sent to the model again");
    const results = JSON.parse(await Deno.readTextFile(`${runDir}/results.json`));
    assertEquals(results["2"].responses[0].correctness, true);
    const summary = JSON.parse(await Deno.readTextFile(`${runDir}/summary.json`));
    assertEquals([summary.status, summary.scored_responses, summary.accuracy], ["scored", 5, 1]);
  } finally {
    await server.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("resume refuses a folder made from other data at the same path", async () => {
  const dir = await Deno.makeTempDir();
  const server = await startOpenAIServer({ answer: answerFromPrompt });
  try {
    const { dataset, args, runDir } = await finishedRun(dir, server);
    const before = await Deno.readTextFile(`${runDir}/samples.jsonl`);
    const other = Array.from({ length: 5 }, (_, i) => ({ problem: `${i + 10}+1?`, answer: "0" }));
    await Deno.writeTextFile(dataset, other.map((r) => JSON.stringify(r)).join("\n") + "\n");

    const resumed = await runCli([...args, "--resume-from", runDir]);
    assertEquals(resumed.code, 2, resumed.stderr);
    const errors = resumed.stderr.split("\n").filter((l) => l.startsWith("error:"));
    assertEquals(errors.length, 1, resumed.stderr);
    if (!/data/i.test(errors[0])) throw new Error(`not about the data: ${errors[0]}`);
    assertEquals(await Deno.readTextFile(`${runDir}/samples.jsonl`), before);
    assertEquals(server.requests.length, 5);
  } finally {
    await server.close();
    await Deno.remove(dir, { recursive: true });
  }
});
