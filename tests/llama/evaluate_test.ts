/**
 * `evaluate`, `generate` and `score` (the real CLI, as subprocesses) against
 * llama.cpp's `llama-server` running the stories260K model: the openai
 * backend and the vllm backend attached to it, `n`, seed reproducibility,
 * `stop`, streaming, `max_tokens` truncation, the assistant prefill.
 *
 * The model writes TinyStories prose, so accuracy is about 0: the tests
 * check structure, verdicts, token counts and reproducibility.
 */
import { assertEquals } from "../support/assert.ts";
import {
  IGNORE_WITHOUT_LLAMA_SERVER,
  startLlamaServer,
  STORIES_MODEL_NAME,
} from "../support/llama_server.ts";
import { onlyRunDir, readJsonl, ROOT, runCli } from "../e2e/cli_helpers.ts";
import type { SampleRecord } from "../../core/sample_record.ts";

const TASK = `${ROOT}tests/testdata/llama/stories.yaml`;
const ROWS = 8;

interface Run {
  summary: Record<string, unknown> & { verdicts: Record<string, number> };
  samples: SampleRecord[];
  runDir: string;
}

Deno.test({
  name: "evaluate, generate and score against llama-server",
  ignore: IGNORE_WITHOUT_LLAMA_SERVER,
  async fn(t) {
    await using server = await startLlamaServer({ parallel: 4 });
    const work = await Deno.makeTempDir({ prefix: "llama_e2e_" });
    let runs = 0;
    const evaluate = async (
      backend: "openai" | "vllm",
      sampling: string,
      extra: { backendArgs?: string; flags?: string[]; command?: string } = {},
    ): Promise<Run> => {
      const resultDir = `${work}/run${++runs}`;
      const result = await runCli([
        extra.command ?? "evaluate",
        "--task",
        TASK,
        "--model",
        STORIES_MODEL_NAME,
        "--backend",
        backend,
        "--backend-args",
        `base_url=${server.url},api_key=none${extra.backendArgs ?? ""}`,
        "--sampling-params",
        sampling,
        "--result-dir",
        resultDir,
        ...(extra.flags ?? []),
      ]);
      assertEquals(result.code, 0, `${result.stderr}\nserver log:\n${server.logTail()}`);
      const runDir = await onlyRunDir(resultDir);
      const summary = JSON.parse(await Deno.readTextFile(`${runDir}/summary.json`));
      const samples = (await readJsonl<SampleRecord>(`${runDir}/samples.jsonl`))
        .sort((a, b) => Number(a.id) - Number(b.id));
      return { summary, samples, runDir };
    };
    const contents = (run: Run) => run.samples.map((s) => s.responses.map((r) => r.content));

    try {
      await t.step(
        "openai: n = 3 with a seed is reproducible, one count per response",
        async () => {
          const sampling = "temperature=0.9,top_p=0.95,max_tokens=24,seed=5";
          const first = await evaluate("openai", sampling, { flags: ["--n", "3"] });
          const again = await evaluate("openai", sampling, { flags: ["--n", "3"] });
          assertEquals(first.summary.num_samples, ROWS);
          assertEquals(first.summary.num_responses, ROWS * 3);
          assertEquals(first.summary.errored_samples, 0);
          assertEquals(contents(again), contents(first));
          for (const sample of first.samples) {
            assertEquals(sample.responses.length, 3);
            if (new Set(sample.responses.map((r) => r.content)).size === 1) {
              throw new Error(`sample ${sample.id}: the 3 seeded choices are identical`);
            }
            for (const r of sample.responses) {
              if (!r.content.trim()) throw new Error(`sample ${sample.id}: an empty response`);
              if (!(r.completion_tokens! >= 1 && r.completion_tokens! <= 24)) {
                throw new Error(`sample ${sample.id}: completion_tokens ${r.completion_tokens}`);
              }
              if (!["incorrect", "no_answer", "truncated"].includes(r.verdict!)) {
                throw new Error(`sample ${sample.id}: verdict ${r.verdict} for "${r.content}"`);
              }
            }
            if (!(sample.prompt_tokens! > 0)) {
              throw new Error(`prompt_tokens ${sample.prompt_tokens}`);
            }
          }
          const verdictTotal = Object.values(first.summary.verdicts).reduce((a, b) => a + b, 0);
          assertEquals(verdictTotal, ROWS * 3);
          const other = await evaluate("openai", sampling.replace("seed=5", "seed=6"), {
            flags: ["--n", "3"],
          });
          if (JSON.stringify(contents(other)) === JSON.stringify(contents(first))) {
            throw new Error("another seed gave the same responses");
          }
        },
      );

      await t.step(
        "max_tokens cuts every response: finish_reason length, verdict truncated",
        async () => {
          const run = await evaluate("openai", "temperature=0,max_tokens=3");
          for (const sample of run.samples) {
            const [r] = sample.responses;
            assertEquals([r.finish_reason, r.verdict, r.completion_tokens], [
              "length",
              "truncated",
              3,
            ]);
          }
          assertEquals(run.summary.verdicts, { truncated: ROWS });
          assertEquals(run.summary.truncated_rate, 1);
          assertEquals(run.summary.total_completion_tokens, 3 * ROWS);
        },
      );

      let greedy: Run;
      await t.step("stop ends responses at the stop string, which is not returned", async () => {
        greedy = await evaluate("openai", "temperature=0,max_tokens=48");
        const stopped = await evaluate("openai", 'temperature=0,max_tokens=48,stop=["."]');
        let cut = 0;
        for (const [i, sample] of stopped.samples.entries()) {
          const [r] = sample.responses;
          const full = greedy.samples[i].responses[0].content;
          if (r.content.includes(".")) throw new Error(`"." kept in "${r.content}"`);
          if (!full.startsWith(r.content)) {
            throw new Error(`"${r.content}" is not a prefix of "${full}"`);
          }
          if (full.includes(".")) {
            assertEquals(r.finish_reason, "stop");
            assertEquals(full.slice(0, full.indexOf(".")), r.content);
            cut++;
          }
        }
        if (cut === 0) throw new Error("no greedy response contained a period: the check is empty");
      });

      await t.step("streaming gives the same responses and token counts", async () => {
        const streamed = await evaluate("openai", "temperature=0,max_tokens=48", {
          backendArgs: ",stream=true",
        });
        assertEquals(contents(streamed), contents(greedy));
        assertEquals(
          streamed.samples.map((s) =>
            s.responses.map((r) => [r.finish_reason, r.completion_tokens])
          ),
          greedy.samples.map((s) => s.responses.map((r) => [r.finish_reason, r.completion_tokens])),
        );
      });

      await t.step(
        "the vllm backend attached to llama-server gives the same greedy answers",
        async () => {
          // vLLM extras (top_k=-1, min_p=0, repetition_penalty=1, return_token_ids) are sent;
          // llama-server honours the neutral values and ignores return_token_ids.
          const run = await evaluate("vllm", "temperature=0,max_tokens=48");
          assertEquals(contents(run), contents(greedy));
          assertEquals(
            run.samples.map((s) => s.responses[0].completion_tokens),
            greedy.samples.map((s) => s.responses[0].completion_tokens),
          );
        },
      );

      await t.step("the assistant prefill is continued and stored without it", async () => {
        const prefill = "Once upon a time, there was a big";
        for (const [backend, args] of [["vllm", ""], ["openai", ",prefill=continue"]] as const) {
          const run = await evaluate(backend, "temperature=0,max_tokens=16", {
            backendArgs: args,
            flags: ["--assistant-prefill", prefill],
          });
          for (const sample of run.samples.slice(0, 3)) {
            assertEquals(sample.messages.at(-1), { role: "assistant", content: prefill });
            // llama-server answers with the prefill and its continuation as one text.
            const raw = await fetch(`${server.url}/chat/completions`, {
              method: "POST",
              body: JSON.stringify({
                messages: sample.messages,
                temperature: 0,
                max_tokens: 16,
                continue_final_message: true,
                add_generation_prompt: false,
              }),
            }).then((r) => r.json());
            const full: string = raw.choices[0].message.content;
            if (!full.startsWith(prefill)) throw new Error(`llama-server changed: "${full}"`);
            assertEquals(sample.responses[0].content, full.slice(prefill.length), backend);
            assertEquals(sample.responses[0].completion_tokens, raw.usage.completion_tokens);
          }
        }
      });

      await t.step("streamed n = 3 counts each choice's tokens from its deltas", async () => {
        const run = await evaluate("openai", "temperature=1,max_tokens=4,seed=2", {
          backendArgs: ",stream=true",
          flags: ["--n", "3"],
        });
        const responses = run.samples.flatMap((s) => s.responses);
        // llama-server's usage counts one choice; each delta carries one token.
        const cut = responses.filter((r) => r.finish_reason === "length");
        assertEquals(cut.map((r) => r.completion_tokens), cut.map(() => 4));
        if (cut.length < ROWS) throw new Error(`only ${cut.length} responses reached max_tokens`);
      });

      await t.step(
        "generate writes unscored responses that score then scores in place",
        async () => {
          const generated = await evaluate("openai", "temperature=0,max_tokens=48", {
            command: "generate",
          });
          assertEquals([generated.summary.status, generated.summary.scored_responses], [
            "generated",
            0,
          ]);
          assertEquals(contents(generated), contents(greedy));
          const scored = await runCli(["score", "--run-dir", generated.runDir]);
          assertEquals(scored.code, 0, scored.stderr);
          const summary = JSON.parse(await Deno.readTextFile(`${generated.runDir}/summary.json`));
          assertEquals(summary.status, "scored");
          assertEquals(summary.verdicts, greedy.summary.verdicts);
          assertEquals(summary.accuracy, greedy.summary.accuracy);
        },
      );
    } finally {
      await Deno.remove(work, { recursive: true });
    }
  },
});
