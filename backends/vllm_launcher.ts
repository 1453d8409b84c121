/**
 * Launches `vllm serve` as a child process on a free local port, waits until
 * `GET /health` answers 200 (the socket opens only after the weights are
 * loaded), and stops it with SIGTERM, then SIGKILL, on its whole process
 * group (vLLM's engine and workers are children). If the child exits while
 * starting, the error carries the tail of its output.
 *
 * @module
 */

import { BackendError } from "./backend.ts";

/** How to launch a vLLM server. */
export interface VllmLaunchOptions {
  /** The executable and leading args, e.g. `["vllm"]` or `["python", "-m", "vllm.entrypoints.cli.main"]`. */
  command: readonly string[];
  model: string;
  /** Flags after `vllm serve <model> --host H --port P`. */
  flags: readonly string[];
  host?: string;
  /** Port to use; a free one when unset. */
  port?: number;
  /** How long loading may take before giving up, ms. */
  startupTimeoutMs: number;
  /** Wait after SIGTERM before SIGKILL, ms. */
  stopGraceMs?: number;
  /** Each line the server prints. */
  onLog?: (line: string) => void;
  fetch?: typeof fetch;
}

/** A running server started by {@linkcode launchVllmServer}. */
export interface LaunchedServer {
  /** Base URL including `/v1`. */
  baseUrl: string;
  pid: number;
  /** The full command line, for logs. */
  argv: string[];
  /** Stops the server and waits for it to exit (idempotent). */
  stop(): Promise<void>;
  /** Why the server is gone, with the tail of its output, if it exited without `stop()`. */
  failure(): string | null;
}

const TAIL_LINES = 30;

/**
 * Starts `vllm serve` and resolves once it is healthy.
 *
 * @throws {BackendError} when the command is missing, the child exits before
 * it is ready, or it is not ready within `startupTimeoutMs`.
 */
export async function launchVllmServer(options: VllmLaunchOptions): Promise<LaunchedServer> {
  const host = options.host ?? "127.0.0.1";
  const port = options.port ?? freePort(host);
  const [program, ...leading] = options.command;
  const args = [
    ...leading,
    "serve",
    options.model,
    "--host",
    host,
    "--port",
    String(port),
    ...options.flags,
  ];
  const argv = [program, ...args];
  const tail: string[] = [];
  const record = (line: string) => {
    tail.push(line);
    if (tail.length > TAIL_LINES) tail.shift();
    options.onLog?.(line);
  };

  let child: Deno.ChildProcess;
  try {
    child = new Deno.Command(program, {
      args,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
      detached: true,
    }).spawn();
  } catch (cause) {
    const reason = cause instanceof Deno.errors.NotFound
      ? "command not found; install vLLM or pass base_url to use a running server"
      : String(cause);
    throw new BackendError(`Cannot launch "${argv.join(" ")}": ${reason}`, { cause });
  }
  const pumps = Promise.all([pumpLines(child.stdout, record), pumpLines(child.stderr, record)]);
  let exited: Deno.CommandStatus | null = null;
  const status = child.status.then((s) => (exited = s));
  const server = makeHandle(child, status, pumps, argv, options.stopGraceMs ?? 10_000, tail);

  const baseUrl = `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
  const started = performance.now();
  const fetcher = options.fetch ?? fetch;
  let lastProblem = "not started";
  while (true) {
    if (exited) {
      await pumps;
      throw new BackendError(
        `vLLM server "${argv.join(" ")}" exited with ${
          describeStatus(exited)
        } before it was ready; last output:\n${tail.join("\n") || "(none)"}`,
      );
    }
    if (performance.now() - started > options.startupTimeoutMs) {
      await server.stop();
      throw new BackendError(
        `vLLM server "${argv.join(" ")}" was not ready after ${
          options.startupTimeoutMs / 1000
        } s (${lastProblem}); last output:\n${tail.join("\n") || "(none)"}`,
      );
    }
    lastProblem = await probeHealth(fetcher, `${baseUrl}/health`);
    if (lastProblem === "") break;
    await delayUnless(250, status);
  }
  options.onLog?.(
    `vLLM server ready at ${baseUrl} after ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  return { ...server, baseUrl: `${baseUrl}/v1` };
}

function makeHandle(
  child: Deno.ChildProcess,
  status: Promise<Deno.CommandStatus>,
  pumps: Promise<unknown>,
  argv: string[],
  graceMs: number,
  tail: readonly string[],
): Omit<LaunchedServer, "baseUrl"> {
  let exited: Deno.CommandStatus | null = null;
  status.then((s) => (exited = s));
  let stopping: Promise<void> | null = null;
  const signalGroup = (signal: Deno.Signal) => {
    try {
      Deno.kill(-child.pid, signal);
    } catch {
      try {
        child.kill(signal);
      } catch { /* already gone */ }
    }
  };
  const stop = () => {
    stopping ??= (async () => {
      if (!exited) {
        signalGroup("SIGTERM");
        const timer = setTimeout(() => signalGroup("SIGKILL"), graceMs);
        await status;
        clearTimeout(timer);
      }
      await pumps;
    })();
    return stopping;
  };
  const failure = () =>
    exited && !stopping
      ? `vLLM server "${argv.join(" ")}" exited with ${
        describeStatus(exited)
      } while serving; last output:\n${tail.join("\n") || "(none)"}`
      : null;
  return { pid: child.pid, argv, stop, failure };
}

async function probeHealth(fetcher: typeof fetch, url: string): Promise<string> {
  const timeout = new AbortController();
  const timer = setTimeout(() => timeout.abort(), 5_000);
  try {
    const response = await fetcher(url, { signal: timeout.signal });
    await response.body?.cancel();
    return response.status === 200 ? "" : `/health answered ${response.status}`;
  } catch (error) {
    return `/health unreachable: ${error instanceof Error ? error.message : String(error)}`;
  } finally {
    clearTimeout(timer);
  }
}

async function pumpLines(stream: ReadableStream<Uint8Array>, onLine: (line: string) => void) {
  let pending = "";
  for await (const text of stream.pipeThrough(new TextDecoderStream())) {
    const lines = (pending + text).split(/\r?\n/);
    pending = lines.pop() ?? "";
    for (const line of lines) onLine(line);
  }
  if (pending) onLine(pending);
}

function freePort(hostname: string): number {
  const listener = Deno.listen({ hostname, port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

function describeStatus(status: Deno.CommandStatus): string {
  return status.signal ? `signal ${status.signal}` : `code ${status.code}`;
}

/** Waits `ms`, or less if `early` settles first. */
async function delayUnless(ms: number, early: Promise<unknown>): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  await Promise.race([early, new Promise((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}
