/**
 * Writes a fake `vllm` executable into a temp dir, for tests of the launch
 * path: a shell script that runs `fake_vllm.ts` under this Deno, or one that
 * prints to stderr and exits like a vLLM that crashed while loading.
 *
 * @module
 */

/** A fake `vllm` on disk. */
export interface FakeVllmCommand {
  /** Pass as `vllmCommand`. */
  command: string[];
  /** Where the script records its argv (after the fake's own options). */
  argvFile: string;
  /** Removes the temp dir. */
  cleanup(): Promise<void>;
}

/** Options of {@linkcode writeFakeVllm}. */
export interface FakeVllmOptions {
  /** Forward to this fake server (base URL) instead of answering itself. */
  upstream?: string;
  /** Delay before the socket opens, ms. */
  startupDelayMs?: number;
  /** Ignore SIGTERM, so only SIGKILL stops it. */
  ignoreSigterm?: boolean;
  /** Instead of serving: print these stderr lines and exit with `exitCode`. */
  crash?: { stderr: string[]; exitCode: number };
}

const FAKE_VLLM = new URL("./fake_vllm.ts", import.meta.url).pathname;

/** Writes the script and returns how to run it. */
export async function writeFakeVllm(options: FakeVllmOptions = {}): Promise<FakeVllmCommand> {
  const dir = await Deno.makeTempDir({ prefix: "skyeval_fake_vllm_" });
  const script = `${dir}/vllm`;
  const argvFile = `${dir}/argv.json`;
  const quote = (text: string) => `'${text.replaceAll("'", `'\\''`)}'`;
  const body = options.crash
    ? [
      ...options.crash.stderr.map((line) => `echo ${quote(line)} >&2`),
      `exit ${options.crash.exitCode}`,
    ]
    : [
      [
        "exec",
        quote(Deno.execPath()),
        "run",
        "-A",
        "--quiet",
        quote(FAKE_VLLM),
        "--record",
        quote(argvFile),
        ...(options.upstream ? ["--upstream", quote(options.upstream)] : []),
        "--startup-delay-ms",
        String(options.startupDelayMs ?? 0),
        ...(options.ignoreSigterm ? ["--ignore-sigterm", "1"] : []),
        '"$@"',
      ].join(" "),
    ];
  await Deno.writeTextFile(script, ["#!/bin/sh", ...body, ""].join("\n"));
  await Deno.chmod(script, 0o755);
  return {
    command: [script],
    argvFile,
    cleanup: () => Deno.remove(dir, { recursive: true }),
  };
}
