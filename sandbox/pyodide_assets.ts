/**
 * The files a sandbox process may read: a copy of the Pyodide runtime with
 * its wasm memory capped, the worker sources, and a memory snapshot with the
 * harness loaded. Built once per Pyodide version, memory cap and harness
 * version, under a cache directory (default `<project>/.cache/pyodide/`).
 *
 * Permissions: read of the Pyodide package and the sandbox sources, write of
 * the cache directory, run of `deno` (to take the snapshot).
 *
 * @module
 */

import { dirname, join } from "node:path";
import { fileURLToPath as fromFileUrl } from "node:url";
import { PLACEHOLDER_WASM, RUNTIME_WASM } from "./child_protocol.ts";
import { HARNESS_SOURCE, WARM_MODULES } from "./harness_py.ts";
import { SandboxError } from "./sandbox.ts";
import { capWasmMemory, WASM_PAGE_BYTES } from "./wasm_memory_cap.ts";
import { exportMutableGlobals } from "./wasm_globals.ts";

const RUNTIME_FILES = ["pyodide.mjs", "pyodide.asm.mjs", "python_stdlib.zip", "pyodide-lock.json"];
const WORKER_SOURCES = [
  "child_worker.ts",
  "child_protocol.ts",
  "sandbox.ts",
  "bridge_gate.ts",
  "wasm_globals.ts",
  "wasm_memory_cap.ts",
];

/** A prepared asset directory. */
export interface PyodideAssets {
  /** Absolute path with a trailing slash. */
  dir: string;
  /** Pyodide version, e.g. `314.0.7`. */
  version: string;
  memoryLimitMiB: number;
}

/**
 * The directory of the installed `pyodide` npm package: where the import map
 * resolves it, else `node_modules/.deno/pyodide@<version>/` under the project.
 */
export async function pyodidePackageDir(): Promise<string> {
  try {
    const entry = import.meta.resolve("pyodide");
    if (entry.startsWith("file:")) return dirname(fromFileUrl(entry)) + "/";
  } catch {
    // Not in this module graph; look in node_modules.
  }
  const store = fromFileUrl(new URL("../node_modules/.deno/", import.meta.url));
  const candidates: string[] = [];
  try {
    for await (const entry of Deno.readDir(store)) {
      if (entry.name.startsWith("pyodide@")) candidates.push(entry.name);
    }
  } catch {
    // No node_modules.
  }
  candidates.sort((a, b) => b.localeCompare(a, undefined, { numeric: true }));
  if (candidates.length === 0) {
    throw new SandboxError(
      `Cannot find the Pyodide package under "${store}": run "deno install" in the project`,
    );
  }
  return join(store, candidates[0], "node_modules", "pyodide") + "/";
}

/** The default cache directory: `<project>/.cache/pyodide/`. */
export function defaultCacheDir(): string {
  return fromFileUrl(new URL("../.cache/pyodide/", import.meta.url));
}

/** Absolute path of the sandbox process entry point. */
export function childEntry(): string {
  return fromFileUrl(new URL("./child.ts", import.meta.url));
}

/** Deno flags that give a sandbox process read access to `readDir` and nothing else. */
export function sandboxFlags(readDir: string): string[] {
  return [
    "run",
    "--quiet",
    "--no-prompt",
    "--no-config",
    "--no-lock",
    "--no-remote",
    "--no-npm",
    `--allow-read=${readDir}`,
    "--deny-net",
    "--deny-write",
    "--deny-env",
    "--deny-run",
    "--deny-ffi",
    "--deny-sys",
    // C-level recursion (lru_cache, deep comparisons) runs on the worker thread's native stack,
    // about 4 MiB in Deno 2.9; V8's default limit of ~1 MiB stops it 3x sooner than needed.
    "--v8-flags=--stack-size=3600",
  ];
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}

async function sourceHash(sources: Uint8Array[]): Promise<string> {
  const parts = [new TextEncoder().encode(HARNESS_SOURCE + WARM_MODULES.join(",")), ...sources];
  const joined = new Uint8Array(parts.reduce((n, p) => n + p.length + 1, 0));
  let offset = 0;
  for (const part of parts) {
    joined.set(part, offset);
    offset += part.length + 1;
  }
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", joined));
  return Array.from(digest.subarray(0, 6), (b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * Build (or find) the asset directory for a memory cap. Safe to call from
 * several processes at once: each builds in a private temporary directory and
 * renames it into place.
 */
export async function preparePyodideAssets(
  options: { cacheDir?: string; memoryLimitMiB?: number; pyodideDir?: string } = {},
): Promise<PyodideAssets> {
  const cacheDir = options.cacheDir ?? defaultCacheDir();
  const memoryLimitMiB = options.memoryLimitMiB ?? 1024;
  const maxPages = Math.floor(memoryLimitMiB * 1024 * 1024 / WASM_PAGE_BYTES);
  const packageDir = options.pyodideDir ?? await pyodidePackageDir();
  const { version } = JSON.parse(await Deno.readTextFile(join(packageDir, "package.json")));
  const sources = await Promise.all(
    WORKER_SOURCES.map((name) => Deno.readFile(new URL(`./${name}`, import.meta.url))),
  );
  const key = `${version}-mem${memoryLimitMiB}-${await sourceHash(sources)}`;
  const dir = join(cacheDir, key) + "/";
  if (await exists(join(dir, "snapshot.bin"))) {
    // Mark it as in use, so that pruning by other versions leaves it alone.
    const now = new Date();
    await Deno.utime(dir, now, now).catch(() => {});
    return { dir, version, memoryLimitMiB };
  }

  await Deno.mkdir(cacheDir, { recursive: true });
  const tmp = await Deno.makeTempDir({ dir: cacheDir, prefix: ".tmp-" }) + "/";
  try {
    for (const name of RUNTIME_FILES) await Deno.copyFile(join(packageDir, name), join(tmp, name));
    const wasm = await Deno.readFile(join(packageDir, "pyodide.asm.wasm"));
    await Deno.writeFile(
      join(tmp, "pyodide.asm.wasm"),
      exportMutableGlobals(capWasmMemory(wasm, maxPages)),
    );
    for (const [i, name] of WORKER_SOURCES.entries()) {
      await Deno.writeFile(join(tmp, name), sources[i]);
    }
    const output = await new Deno.Command(Deno.execPath(), {
      args: [...sandboxFlags(tmp), childEntry(), "snapshot", tmp],
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output();
    if (!output.success || output.stdout.length < 1 << 20) {
      const detail = new TextDecoder().decode(output.stderr).slice(-2000) ||
        new TextDecoder().decode(output.stdout.slice(0, 2000));
      throw new SandboxError(`Cannot take the Pyodide memory snapshot: ${detail.trim()}`);
    }
    await Deno.writeFile(join(tmp, "snapshot.bin"), output.stdout);
    await Deno.rename(join(tmp, "pyodide.asm.wasm"), join(tmp, RUNTIME_WASM));
    await Deno.writeFile(join(tmp, "pyodide.asm.wasm"), PLACEHOLDER_WASM);
    try {
      await Deno.rename(tmp, dir);
    } catch (error) {
      if (!(await exists(join(dir, "snapshot.bin")))) throw error;
      await Deno.remove(tmp, { recursive: true });
    }
  } catch (error) {
    await Deno.remove(tmp, { recursive: true }).catch(() => {});
    throw error;
  }
  await pruneStale(cacheDir, `${version}-mem${memoryLimitMiB}-`, key);
  return { dir, version, memoryLimitMiB };
}

/** Remove builds of other harness versions for the same cap unused for a day, and old temporaries. */
async function pruneStale(cacheDir: string, prefix: string, keep: string): Promise<void> {
  const DAY = 86_400_000;
  try {
    for await (const entry of Deno.readDir(cacheDir)) {
      if (!entry.isDirectory || entry.name === keep) continue;
      if (!entry.name.startsWith(prefix) && !entry.name.startsWith(".tmp-")) continue;
      const path = join(cacheDir, entry.name);
      const age = Date.now() - ((await Deno.stat(path)).mtime?.getTime() ?? Date.now());
      if (age > DAY) await Deno.remove(path, { recursive: true }).catch(() => {});
    }
  } catch {
    // Pruning is best effort.
  }
}
