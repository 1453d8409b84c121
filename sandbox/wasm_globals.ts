/**
 * Export every mutable global a WebAssembly module defines, by rewriting its
 * export section, so that the host can save and restore them. Together with
 * the linear memory they are all the mutable state a module's own code can
 * change (its table changes only through the host), which is what lets the
 * sandbox put an interpreter back exactly as it was.
 *
 * Permissions: none.
 *
 * @module
 */

import { readLeb, writeLeb } from "./wasm_memory_cap.ts";

/** Prefix of the export name given to defined mutable global `i`: `skyeval_global_<i>`. */
export const GLOBAL_EXPORT_PREFIX = "skyeval_global_";

const IMPORT_SECTION = 2;
const GLOBAL_SECTION = 6;
const EXPORT_SECTION = 7;
const KIND_GLOBAL = 3;

interface Section {
  id: number;
  start: number;
  bodyStart: number;
  end: number;
}

function sections(module: Uint8Array): Section[] {
  if (module[0] !== 0 || module[1] !== 0x61 || module[2] !== 0x73 || module[3] !== 0x6d) {
    throw new TypeError("Cannot read wasm module: bad magic number");
  }
  const found: Section[] = [];
  let offset = 8;
  while (offset < module.length) {
    const start = offset;
    const id = module[offset++];
    const [size, bodyStart] = readLeb(module, offset);
    found.push({ id, start, bodyStart, end: bodyStart + size });
    offset = bodyStart + size;
  }
  return found;
}

function skipName(module: Uint8Array, p: number): number {
  const [length, after] = readLeb(module, p);
  return after + length;
}

function skipLimits(module: Uint8Array, p: number): number {
  const flags = module[p++];
  p = readLeb(module, p)[1];
  return flags & 0x01 ? readLeb(module, p)[1] : p;
}

/** How many globals the module imports (they come first in the global index space). */
function importedGlobals(module: Uint8Array, section: Section | undefined): number {
  if (!section) return 0;
  let [count, p] = readLeb(module, section.bodyStart);
  let globals = 0;
  for (; count > 0; count--) {
    p = skipName(module, skipName(module, p));
    const kind = module[p++];
    if (kind === 0) p = readLeb(module, p)[1];
    else if (kind === 1) p = skipLimits(module, p + 1);
    else if (kind === 2) p = skipLimits(module, p);
    else if (kind === KIND_GLOBAL) {
      p += 2;
      globals++;
    } else if (kind === 4) p = readLeb(module, p + 1)[1];
    else throw new RangeError(`Cannot read wasm module: import kind ${kind}`);
  }
  return globals;
}

/** Indexes (in the global index space) of the mutable globals the module defines. */
export function definedMutableGlobals(module: Uint8Array): number[] {
  const all = sections(module);
  const first = importedGlobals(module, all.find((s) => s.id === IMPORT_SECTION));
  const section = all.find((s) => s.id === GLOBAL_SECTION);
  if (!section) return [];
  let [count, p] = readLeb(module, section.bodyStart);
  const mutable: number[] = [];
  for (let i = 0; i < count; i++) {
    p++; // value type
    if (module[p++] === 1) mutable.push(first + i);
    p = skipConstExpr(module, p);
  }
  return mutable;
}

/** Skip a constant expression (the only instructions a global initializer may use). */
function skipConstExpr(module: Uint8Array, p: number): number {
  for (;;) {
    const op = module[p++];
    if (op === 0x0b) return p;
    if (op === 0x41 || op === 0x42 || op === 0x23 || op === 0xd2) p = readLeb(module, p)[1];
    else if (op === 0x43) p += 4;
    else if (op === 0x44) p += 8;
    else if (op === 0xd0) p++;
    else if (op === 0x6a || op === 0x6b || op === 0x6c || op === 0x7c || op === 0x7d) continue;
    else if (op === 0xfd && module[p] === 0x0c) p += 17;
    else throw new RangeError(`Cannot read wasm module: opcode 0x${op.toString(16)} in a global`);
  }
}

/**
 * Return a copy of `module` that also exports each defined mutable global `i`
 * as `skyeval_global_<i>`.
 */
export function exportMutableGlobals(module: Uint8Array): Uint8Array<ArrayBuffer> {
  const globals = definedMutableGlobals(module);
  const exports = sections(module).find((s) => s.id === EXPORT_SECTION);
  if (!exports) throw new TypeError("Cannot export wasm globals: the module has no export section");
  const [count, entriesStart] = readLeb(module, exports.bodyStart);
  const added: number[] = [];
  for (const index of globals) {
    const name = new TextEncoder().encode(GLOBAL_EXPORT_PREFIX + index);
    added.push(...writeLeb(name.length), ...name, KIND_GLOBAL, ...writeLeb(index));
  }
  const head = writeLeb(count + globals.length);
  const entries = module.subarray(entriesStart, exports.end);
  const bodyLength = head.length + entries.length + added.length;
  const section = [EXPORT_SECTION, ...writeLeb(bodyLength)];
  const out = new Uint8Array(
    module.length - (exports.end - exports.start) + section.length + bodyLength,
  );
  let p = 0;
  const put = (bytes: ArrayLike<number>) => {
    out.set(bytes, p);
    p += bytes.length;
  };
  put(module.subarray(0, exports.start));
  put(section);
  put(head);
  put(entries);
  put(added);
  put(module.subarray(exports.end));
  return out;
}
