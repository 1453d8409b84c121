/**
 * Headless Chromium (Debian's `chromium`) for tests and benchmarks of the
 * HTML report: load a file URL and dump the DOM after its scripts ran, or
 * save a screenshot.
 *
 * @module
 */

/** The Chromium binary, or `null` when none is installed. */
export const CHROMIUM: string | null = await findChromium();

async function findChromium(): Promise<string | null> {
  for (const name of ["chromium", "chromium-browser", "google-chrome"]) {
    for (const dir of (Deno.env.get("PATH") ?? "/usr/bin").split(":")) {
      const path = `${dir}/${name}`;
      if (await Deno.stat(path).then((s) => s.isFile, () => false)) return path;
    }
  }
  return null;
}

function chromiumArgs(profile: string): string[] {
  return [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--hide-scrollbars",
    `--user-data-dir=${profile}`,
    "--window-size=1280,1000",
  ];
}

async function runChromium(args: string[]): Promise<string> {
  if (!CHROMIUM) throw new Error("Chromium is not installed");
  const profile = await Deno.makeTempDir({ prefix: "skyeval-chromium-" });
  try {
    const out = await new Deno.Command(CHROMIUM, {
      args: [...chromiumArgs(profile), ...args],
      stdout: "piped",
      stderr: "piped",
    }).output();
    if (!out.success) {
      throw new Error(`Chromium failed: ${new TextDecoder().decode(out.stderr).slice(-500)}`);
    }
    return new TextDecoder().decode(out.stdout);
  } finally {
    await Deno.remove(profile, { recursive: true });
  }
}

/** The DOM of `file` (with `hash`, e.g. "#verdict=incorrect") after its scripts ran. */
export function dumpDom(file: string, hash = ""): Promise<string> {
  return runChromium(["--dump-dom", `file://${file}${hash}`]);
}

/** Saves a PNG screenshot of `file` (with `hash`) to `png`. */
export async function screenshot(file: string, png: string, hash = ""): Promise<void> {
  await runChromium([`--screenshot=${png}`, `file://${file}${hash}`]);
}

/** What the report page says about itself once rendered. */
export interface RenderedReport {
  /** Problems that pass the filters. */
  shown: number;
  /** Row elements actually in the DOM. */
  rows: string[];
  /** Milliseconds from navigation start until the page was ready. */
  readyMs: number;
  /** Text of the detail pane's heading, when a sample is selected. */
  detail: string | null;
}

/** Reads a dumped report DOM. */
export function readRenderedReport(dom: string): RenderedReport {
  const shown = /id="list"[^>]*data-shown="(\d+)"|data-shown="(\d+)"[^>]*id="list"/.exec(dom);
  const ready = /data-ready-ms="(\d+)"/.exec(dom);
  if (!shown || !ready) throw new Error(`The report did not render: ${dom.slice(0, 300)}`);
  return {
    shown: Number(shown[1] ?? shown[2]),
    rows: [...dom.matchAll(/<a class="row[^"]*"[^>]*data-id="([^"]*)"/g)].map((m) => m[1]),
    readyMs: Number(ready[1]),
    detail: /<h3>(Problem [^<]*)<\/h3>/.exec(dom)?.[1] ?? null,
  };
}
