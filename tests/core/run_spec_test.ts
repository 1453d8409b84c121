import { assertEquals } from "../support/assert.ts";
import { runHash, type RunSpec } from "../../core/run_spec.ts";
import { loadTask } from "../../tasks/registry.ts";
import { loadModelCatalog, resolveModelConfig } from "../../models/model_config.ts";

const spec: RunSpec = {
  task: await loadTask("aime24"),
  model: resolveModelConfig("Qwen/Qwen2.5-7B-Instruct", await loadModelCatalog()),
  backend: { name: "vllm", args: { base_url: "http://a:8000/v1", dtype: "float32" } },
  sampling: { temperature: 0.7, top_p: 1, max_tokens: 32768, n: 8 },
  n: 8,
  start: 0,
  end: -1,
  seed: 41,
  asTest: false,
  datasetPath: null,
};

Deno.test("runHash() is 6 hex digits and ignores where the server is", async () => {
  const hash = await runHash(spec);
  assertEquals(/^[0-9a-f]{6}$/.test(hash), true);
  const moved = {
    ...spec,
    backend: { name: "vllm" as const, args: { base_url: "http://b:9/v1", dtype: "float32" } },
  };
  assertEquals(await runHash(moved), hash);
});

Deno.test("runHash() changes with anything that moves the number", async () => {
  const hash = await runHash(spec);
  const variants: Partial<RunSpec>[] = [
    { n: 4, sampling: { ...spec.sampling, n: 4 } },
    { sampling: { ...spec.sampling, temperature: 0.6 } },
    { asTest: true },
    { seed: 42 },
    { end: 10 },
    { backend: { name: "vllm", args: { base_url: "http://a:8000/v1", dtype: "bfloat16" } } },
    { model: { ...spec.model, system_prompt: "Be brief." } },
    { task: await loadTask("aime24_sky") },
  ];
  for (const variant of variants) {
    if ((await runHash({ ...spec, ...variant })) === hash) {
      throw new Error(`hash ignores ${Object.keys(variant).join(", ")}`);
    }
  }
});
