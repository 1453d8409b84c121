/**
 * Lower the maximum size of the linear memory a WebAssembly module defines,
 * by rewriting its memory section. A module capped this way gets a
 * `MemoryError` in Python instead of growing to 4 GiB.
 *
 * Permissions: none.
 *
 * @module
 */

/** Bytes in one WebAssembly page. */
export const WASM_PAGE_BYTES = 65536;

const MEMORY_SECTION = 5;

/** Read an unsigned LEB128 number at `offset`: the value and the offset after it. */
export function readLeb(bytes: Uint8Array, offset: number): [value: number, next: number] {
  let value = 0;
  let shift = 0;
  for (;;) {
    const byte = bytes[offset++];
    if (byte === undefined) throw new RangeError("Cannot read wasm module: truncated LEB128");
    value += (byte & 0x7f) * 2 ** shift;
    shift += 7;
    if (byte < 0x80) return [value, offset];
  }
}

/** Encode `value` as unsigned LEB128. */
export function writeLeb(value: number): number[] {
  const out: number[] = [];
  do {
    let byte = value % 128;
    value = Math.floor(value / 128);
    if (value > 0) byte |= 0x80;
    out.push(byte);
  } while (value > 0);
  return out;
}

/** The memory limits a module defines: `[minPages, maxPages | undefined]`. */
export function wasmMemoryLimits(
  module: Uint8Array,
): [min: number, max: number | undefined] | undefined {
  const found = findMemorySection(module);
  if (!found) return undefined;
  return [found.min, found.max];
}

interface MemorySection {
  start: number;
  end: number;
  flags: number;
  min: number;
  max: number | undefined;
}

function findMemorySection(module: Uint8Array): MemorySection | undefined {
  if (module[0] !== 0 || module[1] !== 0x61 || module[2] !== 0x73 || module[3] !== 0x6d) {
    throw new TypeError("Cannot read wasm module: bad magic number");
  }
  let offset = 8;
  while (offset < module.length) {
    const start = offset;
    const id = module[offset++];
    const [size, bodyStart] = readLeb(module, offset);
    const end = bodyStart + size;
    if (id === MEMORY_SECTION) {
      let p = bodyStart;
      const [count, afterCount] = readLeb(module, p);
      p = afterCount;
      if (count !== 1) {
        throw new RangeError(`Cannot cap wasm memory: module defines ${count} memories`);
      }
      const flags = module[p++];
      if (flags & 0x04) throw new RangeError("Cannot cap wasm memory: 64-bit memory");
      const [min, afterMin] = readLeb(module, p);
      p = afterMin;
      let max: number | undefined;
      if (flags & 0x01) [max] = readLeb(module, p);
      return { start, end, flags, min, max };
    }
    offset = end;
  }
  return undefined;
}

/**
 * Return a copy of `module` whose defined memory may grow to at most
 * `maxPages` pages (64 KiB each).
 *
 * @example
 * ```ts ignore
 * const capped = capWasmMemory(Deno.readFileSync("pyodide.asm.wasm"), 1024 * 16); // 1 GiB
 * ```
 */
export function capWasmMemory(module: Uint8Array, maxPages: number): Uint8Array<ArrayBuffer> {
  if (!Number.isInteger(maxPages) || maxPages < 1 || maxPages > 65536) {
    throw new RangeError(`Cannot cap wasm memory: "${maxPages}" pages is out of range 1-65536`);
  }
  const found = findMemorySection(module);
  if (!found) throw new TypeError("Cannot cap wasm memory: the module defines no memory");
  if (maxPages < found.min) {
    throw new RangeError(
      `Cannot cap wasm memory at ${maxPages} pages: the module needs at least ${found.min}`,
    );
  }
  const body = [1, found.flags | 0x01, ...writeLeb(found.min), ...writeLeb(maxPages)];
  const section = [MEMORY_SECTION, ...writeLeb(body.length), ...body];
  const out = new Uint8Array(module.length - (found.end - found.start) + section.length);
  out.set(module.subarray(0, found.start), 0);
  out.set(section, found.start);
  out.set(module.subarray(found.end), found.start + section.length);
  return out;
}
