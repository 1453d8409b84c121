/**
 * `deno task install [--dir DIR]`: puts a `skyeval` command on the PATH
 * (default `~/.local/bin`). It is a small shell script that runs this
 * checkout's `cli.ts` with this Deno and this `deno.json`, from whatever
 * folder the user is in, so relative paths mean what the user means.
 * Moving the checkout needs a fresh install.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { shellQuote } from "./resume_command.ts";

/** The script that runs `cli.ts` of the checkout at `root` with the Deno at `deno`. */
export function launcherScript(deno: string, root: string): string {
  const q = shellQuote;
  return `#!/bin/sh
# skyeval, installed by \`deno task install\` from ${root}
exec ${q(deno)} run -A --quiet --config ${q(`${root}/deno.json`)} ${q(`${root}/cli.ts`)} "$@"
`;
}

if (import.meta.main) {
  let dir: string;
  try {
    const { values } = parseArgs({ args: Deno.args, options: { dir: { type: "string" } } });
    dir = values.dir ?? `${Deno.env.get("HOME") ?? "."}/.local/bin`;
  } catch (error) {
    console.error(`error: ${(error as Error).message.split("\n")[0]}`);
    Deno.exit(2);
  }
  const root = new URL("..", import.meta.url).pathname.replace(/\/$/, "");
  const target = `${dir.replace(/\/+$/, "")}/skyeval`;
  try {
    await Deno.mkdir(dir, { recursive: true });
    // The npm-installed Deno's stable path, when this Deno is that one.
    const bin = `${root}/node_modules/.bin/deno`;
    const deno = Deno.execPath().startsWith(`${root}/node_modules/`) &&
        (await Deno.stat(bin).then(() => true, () => false))
      ? bin
      : Deno.execPath();
    await Deno.writeTextFile(target, launcherScript(deno, root), { mode: 0o755 });
    await Deno.chmod(target, 0o755);
  } catch (error) {
    console.error(`error: Cannot install "${target}": ${(error as Error).message}`);
    Deno.exit(2);
  }
  console.log(`installed ${target}`);
  const onPath = (Deno.env.get("PATH") ?? "").split(":").some((p) =>
    p.replace(/\/+$/, "") === dir.replace(/\/+$/, "")
  );
  if (!onPath) console.log(`note: ${dir} is not on PATH; add it: export PATH="${dir}:$PATH"`);
}
