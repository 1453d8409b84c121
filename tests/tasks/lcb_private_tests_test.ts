import { assertEquals, assertThrows } from "../support/assert.ts";
import { decodeLcbPrivateTests, unpickleString } from "../../tasks/lcb_private_tests.ts";

/** `pickle.dumps(text, protocol=4)` for a short str, built by hand. */
function pickleShort(text: string): Uint8Array {
  const data = new TextEncoder().encode(text);
  if (data.length > 255) throw new Error("short strings only");
  const body = [0x8c, data.length, ...data, 0x94, 0x2e];
  const frame = new Uint8Array(8);
  new DataView(frame.buffer).setBigUint64(0, BigInt(body.length), true);
  return new Uint8Array([0x80, 0x04, 0x95, ...frame, ...body]);
}

async function zlib(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(
    new CompressionStream("deflate"),
  );
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

Deno.test("decodeLcbPrivateTests() reads base64(zlib(pickle(json)))", async () => {
  const tests = [{ input: "1 2\n", output: "3\n", testtype: "stdin" }];
  const encoded = btoa(String.fromCharCode(...await zlib(pickleShort(JSON.stringify(tests)))));
  assertEquals(await decodeLcbPrivateTests(encoded), tests);
  assertEquals(await decodeLcbPrivateTests(JSON.stringify(tests)), tests);
  assertEquals(await decodeLcbPrivateTests(""), []);
});

Deno.test("unpickleString() refuses anything but a string", () => {
  // GLOBAL opcode: what a malicious pickle would use to call code.
  assertThrows(
    () => unpickleString(new Uint8Array([0x80, 0x04, 0x63, 0x6f, 0x73, 0x0a])),
    SyntaxError,
    "Unsupported pickle opcode",
  );
});

Deno.test("livecodebench rows carry public and private tests, without the encoded copy", async () => {
  const { prepareSamples } = await import("../../core/prepare.ts");
  const { loadTask } = await import("../../tasks/registry.ts");
  const { loadModelCatalog, resolveModelConfig } = await import("../../models/model_config.ts");
  const publicTests = [{ input: "[1, 2]", output: "3", testtype: "functional" as const }];
  const privateTests = [{ input: "[2, 2]", output: "4", testtype: "functional" as const }];
  const encoded = btoa(
    String.fromCharCode(...await zlib(pickleShort(JSON.stringify(privateTests)))),
  );
  const row = {
    question_id: "9999",
    question_content: "Add two numbers.",
    difficulty: "easy",
    starter_code: "class Solution:\n    def add(self, a: int, b: int) -> int:\n        ",
    public_test_cases: JSON.stringify(publicTests),
    private_test_cases: encoded,
  };
  const [sample] = await prepareSamples(await loadTask("livecodebench_easy"), [row], {
    model: resolveModelConfig("m", await loadModelCatalog()),
    start: 0,
    end: -1,
    seed: 41,
    loadAuxiliary: () => Promise.resolve([]),
  });
  assertEquals("private_test_cases" in sample.row, false);
  assertEquals(sample.row.private_test_count, 1);
  assertEquals(sample.target.kind === "code" && sample.target.tests, [
    ...publicTests,
    ...privateTests,
  ]);
  assertEquals(sample.target.kind === "code" && sample.target.fnName, "add");
  assertEquals(
    sample.messages.at(-1)!.content,
    "Generate an executable Python function generated from the given prompt. Return the function body without invoking it at the final solution. Add two numbers.\n" +
      row.starter_code,
  );
});
