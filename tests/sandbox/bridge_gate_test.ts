import assert from "node:assert/strict";
import { BridgeGate, BridgeViolation } from "../../sandbox/bridge_gate.ts";

/** A module importing `e.f` (no arguments) and exporting `g`, which calls it. */
// deno-fmt-ignore
const CALLER = new Uint8Array([
  0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, // header
  1, 4, 1, 0x60, 0, 0, // type 0: () -> ()
  2, 7, 1, 1, 0x65, 1, 0x66, 0, 0, // import e.f: type 0
  3, 2, 1, 0, // function 1: type 0
  7, 5, 1, 1, 0x67, 0, 1, // export g: function 1
  10, 6, 1, 4, 0, 0x10, 0, 0x0b, // body of g: call 0
]);

function namespace(): typeof WebAssembly {
  const copy = Object.create(null);
  for (const name of Object.getOwnPropertyNames(WebAssembly)) {
    copy[name] = (WebAssembly as unknown as Record<string, unknown>)[name];
  }
  return copy;
}

const ownOutput = (fd: number) => fd === 1 || fd === 2;

Deno.test("BridgeGate: every call works before lock(); after it, unknown calls throw", () => {
  const gate = new BridgeGate(ownOutput);
  let calls = 0;
  const ffi = gate.wrap("JsProxy_GetAttr_js", () => ++calls);
  ffi();
  gate.lock();
  assert.throws(() => ffi(), BridgeViolation);
  assert.equal(calls, 1);
  assert.equal(gate.violation, "JsProxy_GetAttr_js");
  assert.equal(gate.spent, undefined);
});

Deno.test("BridgeGate: system calls a program needs pass untouched; state changes spend the worker", () => {
  const gate = new BridgeGate(ownOutput);
  const read = () => 0;
  assert.equal(gate.wrap("fd_read", read), read, "an always-allowed call is not wrapped");
  const write = gate.wrap("fd_write", (fd: number) => fd);
  const open = gate.wrap("__syscall_openat", () => 3);
  const unlink = gate.wrap("__syscall_unlinkat", () => 0);
  gate.lock();
  write(1);
  open(-100, 0, 0 /* O_RDONLY */);
  assert.equal(gate.spent, undefined);
  open(-100, 0, 0o101 /* O_WRONLY | O_CREAT */);
  assert.equal(gate.spent, "__syscall_openat");
  const other = new BridgeGate(ownOutput);
  const write2 = other.wrap("fd_write", (fd: number) => fd);
  other.lock();
  assert.equal(write2(5), 5, "the call itself still happens");
  assert.equal(other.spent, "fd_write");
  unlink();
  assert.equal(gate.violation, undefined);
});

Deno.test("BridgeGate: JS functions reaching wasm through any instance are gated", async () => {
  const gate = new BridgeGate(ownOutput);
  const ns = namespace();
  gate.install(ns);
  assert.equal("Suspending" in ns, false, "JS promise integration is switched off");
  assert.equal("Function" in ns, false);
  let calls = 0;
  const f = () => void calls++;
  const module = new WebAssembly.Module(CALLER);
  const direct = new ns.Instance(module, { e: { f } }).exports.g as () => void;
  const later = (await ns.instantiate(module, { e: { f } })).exports.g as () => void;
  direct();
  later();
  gate.lock();
  assert.throws(() => direct(), BridgeViolation);
  assert.throws(() => later(), BridgeViolation);
  assert.equal(calls, 2);
  // A function first imported under a known name keeps that name's rule wherever it reappears.
  const random = () => void calls++;
  const named = new BridgeGate(ownOutput);
  const ns2 = namespace();
  named.install(ns2);
  new ns2.Instance(module, { e: { f: named.wrap("random_get", random) } });
  named.lock();
  (new ns2.Instance(module, { e: { f: random } }).exports.g as () => void)();
  assert.equal(named.violation, undefined);
});
