/**
 * Hub datasets that need a Python loading script (which `datasets` 4 no longer runs):
 * what each script did, replayed on the raw files it read. Each route says which files
 * make a (subset, split) and which rows to keep.
 *
 * Routes by SkyThought dataset (protocols.md 1.8):
 * - `codeparrot/apps` (script `apps.py`): `{split}.jsonl` at the repo root; subset `all`
 *   keeps every row, `introductory` / `interview` / `competition` keep that `difficulty`.
 * - `BAAI/TACO` (script `TACO.py`): the script's own Arrow files `{split}/data-*.arrow`
 *   (re-uploaded with fixed test cases), else the older Parquet copies
 *   `ALL/{split}-*.parquet`. Subset `ALL` keeps every row, `EASY` ... `VERY_HARD` keep
 *   that `difficulty`; `kwargs.difficulties` (a list) overrides the subset. The script's
 *   `skills` filter is not replayed.
 * - `livecodebench/code_generation_lite` (script `code_generation_lite.py`): the version
 *   tag (`kwargs.version_tag`, else the subset, else `release_latest`) selects
 *   `test.jsonl`, `test2.jsonl`, ...: `release_vN` = files 1..N, `vN` = file N, `vA_vB` =
 *   files A..B, `release_latest` = all. Rows in file order, then line order. Only the
 *   needed files are fetched (the script fetched all six, several GB).
 * - `AI-MO/aimo-validation-amc`: no route needed. SkyThought passes
 *   `trust_remote_code`, but the repo is plain Parquet (`data/train-*.parquet`) and goes
 *   through the ordinary repo-files route.
 *
 * @module
 */
import type { DataFormat } from "./data_file.ts";
import { comparePaths } from "./glob.ts";

/** Keep only rows whose `column` holds one of `values`. */
export interface RowFilter {
  column: string;
  values: string[];
}

/** The files (in read order) and row filter a route chose, or why it cannot. */
export type RoutePlan =
  | { ok: true; files: { path: string; format: DataFormat }[]; rowFilter: RowFilter | null }
  | { ok: false; reason: string; subsets?: string[]; splits?: string[] };

/** A replacement for one loading script. */
export interface ScriptRoute {
  /** Repo id, compared case-insensitively. */
  repo: string;
  plan(
    repoFiles: readonly string[],
    subset: string | null,
    split: string,
    kwargs: Record<string, unknown>,
  ): RoutePlan;
}

const APPS_DIFFICULTIES = ["introductory", "interview", "competition"];
const TACO_DIFFICULTIES = ["EASY", "MEDIUM", "MEDIUM_HARD", "HARD", "VERY_HARD"];

const apps: ScriptRoute = {
  repo: "codeparrot/apps",
  plan(repoFiles, subset, split) {
    const config = subset ?? "all";
    if (config !== "all" && !APPS_DIFFICULTIES.includes(config)) {
      return { ok: false, reason: `no subset "${config}"`, subsets: ["all", ...APPS_DIFFICULTIES] };
    }
    const path = `${split}.jsonl`;
    if (!repoFiles.includes(path)) {
      return { ok: false, reason: `no split "${split}"`, splits: ["train", "test"] };
    }
    return {
      ok: true,
      files: [{ path, format: "jsonl" }],
      rowFilter: config === "all" ? null : { column: "difficulty", values: [config] },
    };
  },
};

const taco: ScriptRoute = {
  repo: "BAAI/TACO",
  plan(repoFiles, subset, split, kwargs) {
    const requested = Array.isArray(kwargs.difficulties)
      ? kwargs.difficulties.map(String)
      : [subset ?? "ALL"];
    const unknown = requested.find((d) => d !== "ALL" && !TACO_DIFFICULTIES.includes(d));
    if (unknown !== undefined) {
      return {
        ok: false,
        reason: `no subset "${unknown}"`,
        subsets: ["ALL", ...TACO_DIFFICULTIES],
      };
    }
    if (kwargs.skills !== undefined && kwargs.skills !== null) {
      return { ok: false, reason: "the TACO `skills` filter is not supported" };
    }
    const pick = (prefix: string, ext: string) =>
      repoFiles.filter((p) => p.startsWith(prefix) && p.endsWith(ext)).sort(comparePaths);
    const arrow = pick(`${split}/data-`, ".arrow");
    const parquet = pick(`ALL/${split}-`, ".parquet");
    const files = arrow.length > 0
      ? arrow.map((path) => ({ path, format: "arrow" as const }))
      : parquet.map((path) => ({ path, format: "parquet" as const }));
    if (files.length === 0) {
      return { ok: false, reason: `no data files for split "${split}"`, splits: ["train", "test"] };
    }
    return {
      ok: true,
      files,
      rowFilter: requested.includes("ALL") ? null : { column: "difficulty", values: requested },
    };
  },
};

const liveCodeBench: ScriptRoute = {
  repo: "livecodebench/code_generation_lite",
  plan(repoFiles, subset, split, kwargs) {
    const tag = String(kwargs.version_tag ?? subset ?? "release_latest");
    if (split !== "test") return { ok: false, reason: `no split "${split}"`, splits: ["test"] };
    const available = repoFiles
      .map((p) => p.match(/^test(\d*)\.jsonl$/))
      .filter((m): m is RegExpMatchArray => m !== null)
      .map((m) => (m[1] === "" ? 1 : Number(m[1])))
      .sort((a, b) => a - b);
    const numbers = versionFiles(tag, available);
    if (!numbers) {
      return {
        ok: false,
        reason: `unknown version tag "${tag}"`,
        subsets: ["release_latest", ...available.map((n) => `release_v${n}`)],
      };
    }
    const missing = numbers.filter((n) => !available.includes(n));
    if (missing.length > 0) {
      return { ok: false, reason: `version tag "${tag}" needs files the repo lacks` };
    }
    return {
      ok: true,
      files: numbers.map((n) => ({
        path: n === 1 ? "test.jsonl" : `test${n}.jsonl`,
        format: "jsonl",
      })),
      rowFilter: null,
    };
  },
};

function versionFiles(tag: string, available: number[]): number[] | null {
  const range = (a: number, b: number) => Array.from({ length: b - a + 1 }, (_, i) => a + i);
  if (tag === "release_latest") return available;
  let m = tag.match(/^release_v(\d+)$/);
  if (m) return range(1, Number(m[1]));
  m = tag.match(/^v(\d+)$/);
  if (m) return [Number(m[1])];
  m = tag.match(/^v(\d+)_v(\d+)$/);
  if (m && Number(m[1]) <= Number(m[2])) return range(Number(m[1]), Number(m[2]));
  return null;
}

/** Every script route, by repo id. */
export const SCRIPT_ROUTES: readonly ScriptRoute[] = [apps, taco, liveCodeBench];

/** The script route for `repo`, if there is one. */
export function scriptRouteFor(repo: string): ScriptRoute | undefined {
  return SCRIPT_ROUTES.find((r) => r.repo.toLowerCase() === repo.toLowerCase());
}

/** Whether the repo has a loading script (`{name}.py` at its root). */
export function hasLoadingScript(repo: string, repoFiles: readonly string[]): boolean {
  const name = repo.split("/").pop() ?? "";
  return repoFiles.includes(`${name}.py`);
}
