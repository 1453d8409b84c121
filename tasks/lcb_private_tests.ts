/**
 * LiveCodeBench stores private tests as base64 of a zlib-compressed pickle of
 * a JSON string. This decodes exactly that shape (a pickled `str`) without
 * a general unpickler: no code from the dataset is ever executed.
 *
 * @module
 */
import type { LcbTest } from "../scoring/code/mod.ts";
import { parsePythonLiteral } from "../core/python_literal.ts";

/** Decodes a `private_test_cases` value; plain JSON text is accepted too. */
export async function decodeLcbPrivateTests(value: unknown): Promise<LcbTest[]> {
  if (value === undefined || value === null || value === "") return [];
  if (Array.isArray(value)) return value as LcbTest[];
  const raw = String(value).trim();
  if (raw.startsWith("[")) return parsePythonLiteral(raw) as unknown as LcbTest[];
  const compressed = Uint8Array.from(atob(raw), (c) => c.charCodeAt(0));
  const stream = new Blob([compressed]).stream().pipeThrough(new DecompressionStream("deflate"));
  const pickled = new Uint8Array(await new Response(stream).arrayBuffer());
  return JSON.parse(unpickleString(pickled)) as LcbTest[];
}

/**
 * Reads a pickle whose only object is a `str` (protocols 2-5).
 *
 * @throws {SyntaxError} on any other opcode.
 */
export function unpickleString(bytes: Uint8Array): string {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const decoder = new TextDecoder();
  let result: string | null = null;
  let i = 0;
  const take = (length: number) => {
    const out = decoder.decode(bytes.subarray(i, i + length));
    i += length;
    return out;
  };
  while (i < bytes.length) {
    const op = bytes[i++];
    switch (op) {
      case 0x80: // PROTO
        i += 1;
        break;
      case 0x95: // FRAME
        i += 8;
        break;
      case 0x8c: // SHORT_BINUNICODE
        result = take(bytes[i++]);
        break;
      case 0x58: { // BINUNICODE
        const length = view.getUint32(i, true);
        i += 4;
        result = take(length);
        break;
      }
      case 0x8d: { // BINUNICODE8
        const length = Number(view.getBigUint64(i, true));
        i += 8;
        result = take(length);
        break;
      }
      case 0x94: // MEMOIZE
        break;
      case 0x2e: // STOP
        if (result === null) throw new SyntaxError("Pickle holds no string");
        return result;
      default:
        throw new SyntaxError(`Unsupported pickle opcode 0x${op.toString(16)} at offset ${i - 1}`);
    }
  }
  throw new SyntaxError("Pickle has no STOP opcode");
}
