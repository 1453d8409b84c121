/**
 * End to end through the Hub: `evaluate --task gsm8k` with `HF_ENDPOINT`
 * pointing at a fake Hub (real protocol, real socket) that holds the
 * dataset as Parquet, as `openai/gsm8k` does; the second run works from the
 * disk cache with the Hub gone, and records the same dataset hash.
 */
import { assertEquals } from "../support/assert.ts";
import { columnsOf, parquetBytes } from "../support/dataset_fixtures.ts";
import { testdataJsonl } from "../support/testdata.ts";
import { fakeSha, startHubServer } from "../support/hub_server.ts";
import { onlyRunDir, runCli, startReplayServer, taskFlags } from "./cli_helpers.ts";

Deno.test({
  name: "evaluate gsm8k loads its Parquet split from the Hub, then from the cache",
  async fn() {
    const rows = testdataJsonl<{ question: string; answer: string }>(
      "benchmarks/gsm8k_test.jsonl.gz",
      12,
    );
    const sha = fakeSha("gsm8k");
    const hub = await startHubServer({
      datasets: {
        "openai/gsm8k": {
          refs: { main: sha },
          commits: {
            [sha]: {
              files: {
                "README.md": "# gsm8k\n",
                "main/test-00000-of-00001.parquet": parquetBytes(columnsOf(rows)),
                "main/train-00000-of-00001.parquet": parquetBytes(columnsOf(rows.slice(0, 2))),
              },
              cardData: {
                configs: [{
                  config_name: "main",
                  data_files: [
                    { split: "train", path: "main/train-*" },
                    { split: "test", path: "main/test-*" },
                  ],
                }],
              },
            },
          },
        },
      },
    });
    // Half the answers right: the gold number for even rows, a wrong one for odd rows.
    const answers = new Map(rows.map((r, i) => {
      const gold = r.answer.split("####")[1].trim().replaceAll(",", "");
      return [
        r.question,
        `Reasoning...\nThe final answer is ${i % 2 === 0 ? gold : Number(gold) + 1}`,
      ];
    }));
    const server = await startReplayServer(answers);
    const resultDir = await Deno.makeTempDir();
    const cache = await Deno.makeTempDir();
    const args = [
      "evaluate",
      ...taskFlags("gsm8k", "test/model", server.url),
      "--result-dir",
      resultDir,
    ];
    try {
      const env = { HF_ENDPOINT: hub.url, HF_TOKEN: "hf_test", SKYEVAL_CACHE_DIR: cache };
      const first = await runCli(args, env);
      assertEquals(first.code, 0, first.stderr);
      const runDir = await onlyRunDir(resultDir);
      const summary = JSON.parse(await Deno.readTextFile(`${runDir}/summary.json`));
      assertEquals(summary.num_samples, 12);
      assertEquals(summary.accuracy, 0.5);
      assertEquals(summary.fingerprint.dataset.rows, 12);
      if (!hub.requests.some((r) => r.authorization === "Bearer hf_test")) {
        throw new Error("HF_TOKEN was not sent");
      }
      await hub.close();

      // With the Hub gone the cached copy is used, and the user is told.
      const second = await runCli([...args, "--overwrite"], env);
      assertEquals(second.code, 0, second.stderr);
      if (!second.stderr.includes("using the cached copy")) throw new Error(second.stderr);
      const offline = await runCli([...args, "--overwrite"], { ...env, HF_HUB_OFFLINE: "1" });
      assertEquals(offline.code, 0, offline.stderr);
      const again = JSON.parse(await Deno.readTextFile(`${runDir}/summary.json`));
      assertEquals(again.fingerprint.dataset.sha256, summary.fingerprint.dataset.sha256);
    } finally {
      await server.close();
      await hub.close().catch(() => {});
      await Deno.remove(resultDir, { recursive: true });
      await Deno.remove(cache, { recursive: true });
    }
  },
});
