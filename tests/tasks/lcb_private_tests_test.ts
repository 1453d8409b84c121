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
