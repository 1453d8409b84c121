/**
 * skyeval outside its checkout: the installed command runs from any folder
 * with paths taken from there, the library imports by path with no flags,
 * and the documented `deno task --quiet` commands print no colour codes.
 */
import { assertEquals } from "../support/assert.ts";
import { startOpenAIServer } from "../../testing/openai_server.ts";
import { ROOT } from "./cli_helpers.ts";

const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

Deno.test("deno task install puts a skyeval command that works from any folder", async () => {
  const home = await Deno.makeTempDir();
  const project = await Deno.makeTempDir();
  const server = await startOpenAIServer({ answer: () => "\\boxed{2}" });
  try {
    const install = await new Deno.Command(Deno.execPath(), {
      args: ["task", "--quiet", "install", "--dir", `${home}/bin`],
      cwd: ROOT,
      stdout: "piped",
      stderr: "piped",
    }).output();
    assertEquals(install.code, 0, decode(install.stderr));

    await Deno.writeTextFile(`${project}/rows.jsonl`, `{"problem": "1+1?", "answer": "2"}\n`);
    const run = await new Deno.Command(`${home}/bin/skyeval`, {
      args: [
        "evaluate",
        "--task",
        "math500",
        "--model",
        "m",
        "--backend",
        "openai",
        "--backend-args",
        `base_url=${server.url},api_key=x`,
        "--dataset-path",
        "rows.jsonl",
        "--result-dir",
        "out",
      ],
      cwd: project,
      env: { SKYEVAL_CACHE_DIR: `${project}/.cache` },
      stdout: "piped",
      stderr: "piped",
    }).output();
    assertEquals(run.code, 0, decode(run.stderr));
    const runs = [...Deno.readDirSync(`${project}/out`)].map((e) => e.name);
    assertEquals(runs.length, 1);
    const summary = JSON.parse(Deno.readTextFileSync(`${project}/out/${runs[0]}/summary.json`));
    assertEquals([summary.status, summary.accuracy], ["scored", 1]);
  } finally {
    await server.close();
    await Deno.remove(home, { recursive: true });
    await Deno.remove(project, { recursive: true });
  }
});

Deno.test("mod.ts imports by path and by file URL from a project with no config", async () => {
  const project = await Deno.makeTempDir();
  try {
    const mod = new URL("mod.ts", `file://${ROOT}`).href;
    await Deno.writeTextFile(
      `${project}/by_path.ts`,
      `import { summarize } from "${ROOT}mod.ts";\nconsole.log(typeof summarize);\n`,
    );
    await Deno.writeTextFile(
      `${project}/by_url.ts`,
      `import * as skyeval from "${mod}";\nconsole.log(Object.keys(skyeval).length > 0);\n`,
    );
    for (const [file, expected] of [["by_path.ts", "function"], ["by_url.ts", "true"]]) {
      const out = await new Deno.Command(Deno.execPath(), {
        args: ["run", "--quiet", "--no-config", file],
        cwd: project,
        env: { NO_COLOR: "1" },
        stdout: "piped",
        stderr: "piped",
      }).output();
      assertEquals([out.code, decode(out.stdout).trim()], [0, expected], decode(out.stderr));
    }
  } finally {
    await Deno.remove(project, { recursive: true });
  }
});

Deno.test("every inline npm: pin in the source matches deno.json", async () => {
  const config = JSON.parse(await Deno.readTextFile(`${ROOT}deno.json`));
  const pinned = new Set(Object.values(config.imports as Record<string, string>));
  const stray: string[] = [];
  const walk = async (dir: string) => {
    for await (const entry of Deno.readDir(dir)) {
      const path = `${dir}/${entry.name}`;
      if (entry.isDirectory) {
        if (!["node_modules", ".cache", "target", "results", ".git"].includes(entry.name)) {
          await walk(path);
        }
      } else if (entry.name.endsWith(".ts")) {
        for (const m of (await Deno.readTextFile(path)).matchAll(/from "(npm:[^"]+)"/g)) {
          if (!pinned.has(m[1])) stray.push(`${path.slice(ROOT.length)}: ${m[1]}`);
        }
      }
    }
  };
  await walk(ROOT.replace(/\/$/, ""));
  assertEquals(stray, []);
});

Deno.test("the documented deno task --quiet commands print no colour codes when piped", async () => {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["task", "--quiet", "skyeval", "list", "tasks"],
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = decode(out.stdout) + decode(out.stderr);
  assertEquals(out.code, 0, text);
  if (!text.includes("math500")) throw new Error(text);
  if (text.includes("\x1b[")) throw new Error(`colour codes in: ${JSON.stringify(text)}`);
  if (text.includes("Task skyeval")) throw new Error(`task echo in: ${text}`);
});
