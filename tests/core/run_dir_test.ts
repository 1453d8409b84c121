import { assertEquals, assertRejects } from "../support/assert.ts";
import { RunDirError, runDirName, SampleLog } from "../../core/run_dir.ts";
import { SampleLogIndex } from "../../core/sample_log_index.ts";
import type { SampleRecord } from "../../core/sample_record.ts";

function record(id: string): SampleRecord {
  return {
    id,
    row: { _index: id, q: `question ${id}` },
    messages: [{ role: "user", content: `question ${id}` }],
    prompt_tokens: 3,
    responses: [{
      content: "42",
      finish_reason: "stop",
      completion_tokens: 1,
      correctness: null,
      reason: "",
    }],
    scored: false,
  };
}

Deno.test("runDirName() replaces slashes in the model id", () => {
  assertEquals(
    runDirName("Qwen/QwQ-32B-Preview", "aime24", "1a2b3c"),
    "Qwen_QwQ-32B-Preview_aime24_1a2b3c",
  );
});

async function latest(path: string): Promise<Map<string, SampleRecord>> {
  const index = await SampleLogIndex.build(path);
  return new Map(await Array.fromAsync(index.records(), (r) => [r.id, r] as const));
}

Deno.test("SampleLog appends lines and SampleLogIndex keeps the latest per id", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/samples.jsonl`;
  const log = await SampleLog.open(path);
  await Promise.all([log.append(record("0")), log.append(record("1"))]);
  await log.append({ ...record("0"), scored: true });
  await log.close();
  const records = await latest(path);
  assertEquals([...records.keys()], ["0", "1"]);
  assertEquals(records.get("0")!.scored, true);
  assertEquals((await SampleLogIndex.build(path)).tornTailBytes, 0);
});

Deno.test("SampleLogIndex ignores a torn last line and SampleLog.open() cuts it", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/samples.jsonl`;
  await Deno.writeTextFile(path, JSON.stringify(record("0")) + "\n" + '{"id": "1", "row"');
  const read = await SampleLogIndex.build(path);
  assertEquals([...read.ids()], ["0"]);
  assertEquals(read.tornTailBytes, 17);
  const log = await SampleLog.open(path);
  await log.append(record("2"));
  await log.close();
  assertEquals([...(await latest(path)).keys()], ["0", "2"]);
});

Deno.test("SampleLogIndex rejects a corrupt complete line", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/samples.jsonl`;
  await Deno.writeTextFile(path, "not json\n" + JSON.stringify(record("0")) + "\n");
  await assertRejects(() => SampleLogIndex.build(path), RunDirError, "line 1 is corrupt");
});
