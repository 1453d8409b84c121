/**
 * llama.cpp's `llama-server` (a real, third-party OpenAI-compatible server)
 * running the bundled stories260K model, for end-to-end tests and the
 * benchmark. The binary comes from `SKYEVAL_LLAMA_SERVER` or from the cache
 * that `.ci/build_llama_server` fills. When it is missing, tests are ignored
 * with a printed reason, except in CI (`CI` set), where they fail.
 *
 * @module
 */

const ROOT = new URL("../../", import.meta.url).pathname;

/** The bundled test model (see tests/testdata/models/README.md). */
export const STORIES_MODEL = `${ROOT}tests/testdata/models/stories260K.gguf`;

/** The model name the tests send (llama-server serves whatever `-m` loaded, under any name). */
export const STORIES_MODEL_NAME = "stories260K";

/** Where the binary is, or `null` with the reason it is not. */
export const LLAMA_SERVER: { path: string | null; reason: string } = await findLlamaServer();

const IN_CI = (Deno.env.get("CI") ?? "") !== "" && Deno.env.get("CI") !== "false";

/**
 * `ignore` for tests that need llama-server: true only when it is missing
 * outside CI (the reason is printed once).
 */
export const IGNORE_WITHOUT_LLAMA_SERVER = LLAMA_SERVER.path === null && !IN_CI;
if (IGNORE_WITHOUT_LLAMA_SERVER) {
  console.warn(`ignored: llama-server tests: ${LLAMA_SERVER.reason}`);
}

/** Options of {@linkcode startLlamaServer}. */
export interface LlamaServerOptions {
  /** Parallel slots (`-np`), default 4. */
  parallel?: number;
  /** Context size per slot in tokens, default 512. */
  contextPerSlot?: number;
  /** Extra command-line flags. */
  args?: string[];
}

/** A running llama-server. */
export interface LlamaServer {
  /** Base URL including `/v1`. */
  url: string;
  port: number;
  pid: number;
  /** The last lines the server logged (for failure messages). */
  logTail(): string;
  /** Kills it with SIGKILL at once (a crash, as tests need it). */
  kill(): Promise<void>;
  /** Stops it (SIGTERM, then SIGKILL after 5 s). */
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/**
 * Starts llama-server on 127.0.0.1 on a free port with one thread (ggml
 * threads spin, and the machine is shared) and waits until `/health` is 200.
 */
export async function startLlamaServer(options: LlamaServerOptions = {}): Promise<LlamaServer> {
  const binary = LLAMA_SERVER.path;
  if (binary === null) throw new Error(`Cannot start llama-server: ${LLAMA_SERVER.reason}`);
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      return await launch(binary, freePort(), options);
    } catch (error) {
      lastError = error;
    }
  }
  throw lastError;
}

async function launch(
  binary: string,
  port: number,
  options: LlamaServerOptions,
): Promise<LlamaServer> {
  const parallel = options.parallel ?? 4;
  const child = new Deno.Command(binary, {
    args: [
      "-m",
      STORIES_MODEL,
      "--host",
      "127.0.0.1",
      "--port",
      String(port),
      "-t",
      "1",
      "-tb",
      "1",
      "-np",
      String(parallel),
      "-c",
      String(parallel * (options.contextPerSlot ?? 512)),
      "--no-webui",
      ...(options.args ?? []),
    ],
    // The cached build keeps its shared libraries beside the binary.
    env: { LD_LIBRARY_PATH: binary.slice(0, binary.lastIndexOf("/")) },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const lines: string[] = [];
  const drained = Promise.all([child.stdout, child.stderr].map((s) => keepTail(s, lines)));
  let exited: Deno.CommandStatus | null = null;
  const status = child.status.then((s) => (exited = s));
  let closing: Promise<void> | null = null;
  const stop = (signal: Deno.Signal) => {
    closing ??= (async () => {
      if (exited === null) {
        try {
          child.kill(signal);
        } catch { /* already gone */ }
      }
      const timer = setTimeout(() => {
        if (exited === null) child.kill("SIGKILL");
      }, 5000);
      await status;
      clearTimeout(timer);
      await drained;
    })();
    return closing;
  };
  const server: LlamaServer = {
    url: `http://127.0.0.1:${port}/v1`,
    port,
    pid: child.pid,
    logTail: () => lines.slice(-20).join("\n"),
    kill: () => stop("SIGKILL"),
    close: () => stop("SIGTERM"),
    [Symbol.asyncDispose]: () => stop("SIGTERM"),
  };
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (exited !== null) {
      await stop("SIGKILL");
      throw new Error(
        `llama-server exited with ${(exited as Deno.CommandStatus).code}:\n${server.logTail()}`,
      );
    }
    try {
      const response = await fetch(`http://127.0.0.1:${port}/health`);
      await response.body?.cancel();
      if (response.status === 200) return server;
    } catch { /* not listening yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  await stop("SIGKILL");
  throw new Error(`llama-server did not become healthy in 120 s:\n${server.logTail()}`);
}

async function findLlamaServer(): Promise<{ path: string | null; reason: string }> {
  const given = Deno.env.get("SKYEVAL_LLAMA_SERVER");
  const path = given ?? await cachedPath();
  try {
    if ((await Deno.stat(path)).isFile) return { path, reason: "" };
  } catch { /* missing */ }
  return {
    path: null,
    reason: given
      ? `SKYEVAL_LLAMA_SERVER="${given}" is not a file`
      : `no llama-server at ${path} (build it once with .ci/build_llama_server)`,
  };
}

async function cachedPath(): Promise<string> {
  const out = await new Deno.Command("bash", {
    args: [`${ROOT}.ci/build_llama_server`, "--path"],
    stdout: "piped",
    stderr: "inherit",
  }).output();
  if (!out.success) throw new Error(".ci/build_llama_server --path failed");
  return new TextDecoder().decode(out.stdout).trim();
}

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

async function keepTail(stream: ReadableStream<Uint8Array>, lines: string[]): Promise<void> {
  const decoder = new TextDecoder();
  let partial = "";
  for await (const chunk of stream) {
    const text = partial + decoder.decode(chunk, { stream: true });
    const parts = text.split("\n");
    partial = parts.pop() ?? "";
    lines.push(...parts);
    if (lines.length > 200) lines.splice(0, lines.length - 200);
  }
  if (partial) lines.push(partial);
}
