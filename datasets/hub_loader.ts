/**
 * Loads one split of a Hugging Face Hub dataset.
 *
 * Routes, tried in order (the first that finds files wins):
 * 1. a script replacement (`script_routes.ts`) for repos that need a loading script;
 * 2. the repo's own data files at the revision, chosen as `datasets` chooses them
 *    (card `configs`, else file-name conventions: `repo_files.ts`);
 * 3. the viewer's Parquet conversion on `refs/convert/parquet`
 *    (`{subset}/{split}/NNNN.parquet`, or `partial-{split}`), only for the default
 *    branch, since the conversion tracks `main`.
 *
 * A revision (branch, tag, `refs/pr/N` or commit sha) resolves to a commit sha first;
 * files are then fetched by that sha, so a run reads exactly one snapshot. The cache
 * keeps the resolved sha, the chosen files (the plan) and the verified bytes, so a
 * later `offline` load needs no network.
 *
 * @module
 */
import { createHash } from "node:crypto";
import { parse as parseYaml } from "npm:yaml@2.9.1";
import { z } from "npm:zod@4.6.7";
import { type DataFormat, type DataInput, readDataFile } from "./data_file.ts";
import { type FileMeta, HubRepoCache } from "./disk_cache.ts";
import { ChecksumError, downloadFile, type ProgressEvent } from "./download.ts";
import { DatasetError } from "./errors.ts";
import { comparePaths } from "./glob.ts";
import { hubFailure } from "./hub_errors.ts";
import {
  encodeRepoPath,
  encodeRevision,
  type HubContext,
  HubHttpError,
  hubRequest,
} from "./hub_http.ts";
import { splitFilesOf } from "./repo_files.ts";
import { hasLoadingScript, type RowFilter, scriptRouteFor } from "./script_routes.ts";
import type { DatasetSource } from "./source.ts";

/** The files that make up one split, fixed for one commit. */
export interface HubPlan {
  repo: string;
  /** The commit the revision resolved to. */
  commit: string;
  /** How the files were chosen, for `origin`. */
  route: string;
  /** In read order; `commit` may differ from the plan's (the Parquet conversion branch). */
  files: { path: string; commit: string; format: DataFormat }[];
  rowFilter: RowFilter | null;
}

/** What a Hub load produced. */
export interface HubLoadResult {
  rows: Record<string, unknown>[];
  contentHash: string;
  origin: string;
  files: string[];
}

const RepoInfoSchema = z.object({
  id: z.string().optional(),
  sha: z.string().regex(/^[0-9a-f]{40}$/),
  siblings: z.array(z.object({ rfilename: z.string() })).optional(),
  cardData: z.unknown().optional(),
});
type RepoInfo = z.infer<typeof RepoInfoSchema>;

const TreeEntrySchema = z.object({
  type: z.string(),
  path: z.string(),
  size: z.number().optional(),
});

const CONVERSION_REVISION = "refs/convert/parquet";
const PLAN_VERSION = 2;

/** Loads the split `source` names. Errors are `DatasetError`s with one-line messages. */
export async function loadHubDataset(
  source: Extract<DatasetSource, { kind: "hub" }>,
  options: {
    ctx: HubContext;
    cacheDir: string | null;
    offline: boolean;
    onProgress?: (event: ProgressEvent) => void;
  },
): Promise<HubLoadResult> {
  const { ctx, offline } = options;
  const repo = source.repo.replace(/^datasets\//, "");
  if (!/^[\w.-]+(\/[\w.-]+)?$/.test(repo) || repo.split("/").some((p) => /^\.+$/.test(p))) {
    throw new DatasetError(`Cannot load dataset "${source.repo}": not a valid dataset id`);
  }
  const kwargs = source.kwargs ?? {};
  const revision = source.revision ??
    (typeof kwargs.revision === "string" ? kwargs.revision : null) ??
    "main";
  const subset = source.subset ?? null;
  const cache = options.cacheDir ? new HubRepoCache(options.cacheDir, repo) : null;
  const failure = (error: unknown, path?: string) =>
    hubFailure(error, { repo, endpoint: ctx.endpoint, revision, path });
  const key = planKey(subset, source.split, kwargs);

  let plan: HubPlan | null = null;
  if (offline) {
    if (!cache) {
      throw new DatasetError(`Cannot load dataset "${repo}": offline mode needs a cache dir`);
    }
    const commit = isCommitSha(revision) ? revision : await cache.readRef(revision);
    plan = commit ? await cache.readPlan<HubPlan>(commit, key) : null;
    if (!plan) {
      throw new DatasetError(
        `Cannot load dataset "${repo}": subset "${
          subset ?? "default"
        }" split "${source.split}" at revision "${revision}" is not in the cache (offline mode: load it once online)`,
      );
    }
  } else {
    try {
      if (cache && isCommitSha(revision)) plan = await cache.readPlan<HubPlan>(revision, key);
      if (!plan) {
        const info = await repoInfo(ctx, repo, revision);
        await cache?.writeRef(revision, info.sha);
        plan = await cache?.readPlan<HubPlan>(info.sha, key) ?? null;
        if (!plan || (plan as { version?: number }).version !== PLAN_VERSION) {
          plan = await makePlan(ctx, repo, info, { subset, split: source.split, revision, kwargs });
          await cache?.writePlan(info.sha, key, { ...plan, version: PLAN_VERSION });
        }
      }
    } catch (error) {
      throw failure(error);
    }
  }

  let total = createHash("sha256");
  const rows: Record<string, unknown>[] = [];
  for (const file of plan.files) {
    const label = `${repo}/${file.path}`;
    for (let attempt = 0;; attempt++) {
      let obtained: Obtained;
      try {
        obtained = await obtainFile(ctx, repo, file, {
          cache,
          offline,
          label,
          onProgress: options.onProgress,
        });
      } catch (error) {
        if (error instanceof ChecksumError && attempt === 0) continue;
        throw failure(error, file.path);
      }
      const hasher = total.copy();
      let content;
      try {
        content = await readDataFile(obtained.input, file.format, {
          hashers: [hasher],
          field: typeof kwargs.field === "string" ? kwargs.field : undefined,
        });
      } catch (error) {
        if (!(error instanceof SyntaxError)) throw error;
        // A cached file that changed on disk is corrupt, not malformed: its bytes no longer
        // hash to what was downloaded, however they fail to parse.
        if (!obtained.fromCache || !(await changedOnDisk(obtained))) {
          throw new DatasetError(
            `Cannot load dataset "${repo}": file "${file.path}" at ${
              file.commit.slice(0, 12)
            } is malformed: ${error.message}`,
            { cause: error },
          );
        }
        content = null;
      }
      if (content === null || (obtained.meta && content.sha256 !== obtained.meta.sha256)) {
        await cache!.removeFile(file.commit, file.path);
        if (offline || attempt > 0) {
          throw new DatasetError(
            `Cannot load dataset "${repo}": cached file "${file.path}" is corrupt (sha256 mismatch)${
              offline ? "; it was removed, load once online to fetch it again" : ""
            }`,
          );
        }
        continue;
      }
      total = hasher;
      const filter = plan.rowFilter;
      for (const row of content.rows) {
        if (!filter || filter.values.includes(row[filter.column] as string)) rows.push(row);
      }
      break;
    }
  }
  const files = plan.files.map((f) => `hf://datasets/${repo}@${f.commit}/${f.path}`);
  const filterNote = plan.rowFilter
    ? `, ${plan.rowFilter.column} in ${JSON.stringify(plan.rowFilter.values)}`
    : "";
  return {
    rows,
    contentHash: total.digest("hex"),
    origin: `Hub dataset "${repo}" at ${plan.commit} via ${plan.route}${filterNote}: ${
      plan.files.map((f) => f.path).join(", ")
    }`,
    files,
  };
}

/** Whether a cached file's bytes no longer hash to the sha256 stored when it was downloaded. */
async function changedOnDisk(obtained: Obtained): Promise<boolean> {
  if (!obtained.meta || !("path" in obtained.input)) return false;
  const bytes = await Deno.readFile(obtained.input.path);
  return createHash("sha256").update(bytes).digest("hex") !== obtained.meta.sha256;
}

interface Obtained {
  input: DataInput;
  /** Stored facts when the file came from (or went into) the cache. */
  meta: FileMeta | null;
  fromCache: boolean;
}

async function obtainFile(
  ctx: HubContext,
  repo: string,
  file: HubPlan["files"][number],
  options: {
    cache: HubRepoCache | null;
    offline: boolean;
    label: string;
    onProgress?: (event: ProgressEvent) => void;
  },
): Promise<Obtained> {
  const { cache } = options;
  if (cache) {
    const meta = await cache.readFileMeta(file.commit, file.path);
    if (meta) {
      return { input: { path: cache.filePath(file.commit, file.path) }, meta, fromCache: true };
    }
    if (options.offline) {
      throw new DatasetError(
        `Cannot load dataset "${repo}": file "${file.path}" is not in the cache (offline mode: load it once online)`,
      );
    }
  }
  const url = `${ctx.endpoint}/datasets/${repo}/resolve/${encodeRevision(file.commit)}/${
    encodeRepoPath(file.path)
  }`;
  const dest = cache ? cache.filePath(file.commit, file.path) : null;
  const download = await downloadFile(ctx, url, {
    dest,
    label: options.label,
    onProgress: options.onProgress,
  });
  if (!cache) return { input: { bytes: download.bytes! }, meta: null, fromCache: false };
  const meta = { size: download.size, sha256: download.sha256, etag: download.etag };
  await cache.writeFileMeta(file.commit, file.path, meta);
  return { input: { path: dest! }, meta, fromCache: false };
}

async function repoInfo(ctx: HubContext, repo: string, revision: string): Promise<RepoInfo> {
  const url = `${ctx.endpoint}/api/datasets/${repo}/revision/${encodeRevision(revision)}`;
  const { response } = await hubRequest(ctx, url);
  const parsed = RepoInfoSchema.safeParse(await response.json().catch(() => null));
  if (!parsed.success) {
    throw new DatasetError(
      `Cannot load dataset "${repo}": the hub's repo info has no commit sha (is HF_ENDPOINT a Hub?)`,
    );
  }
  return parsed.data;
}

async function makePlan(
  ctx: HubContext,
  repo: string,
  info: RepoInfo,
  want: { subset: string | null; split: string; revision: string; kwargs: Record<string, unknown> },
): Promise<HubPlan> {
  const repoFiles = (info.siblings ?? []).map((s) => s.rfilename);
  const planOf = (
    route: string,
    files: { path: string; format: DataFormat }[],
    rowFilter: RowFilter | null,
    commit = info.sha,
  ): HubPlan => ({
    repo,
    commit: info.sha,
    route,
    files: files.map((f) => ({ ...f, commit })),
    rowFilter,
  });

  if (want.revision.startsWith(CONVERSION_REVISION)) {
    const prefix = `${want.subset ?? "default"}/`;
    for (const folder of [want.split, `partial-${want.split}`]) {
      const files = repoFiles
        .filter((p) => p.startsWith(`${prefix}${folder}/`) && p.endsWith(".parquet"))
        .sort(comparePaths);
      if (files.length > 0) {
        return planOf(
          "Parquet conversion",
          files.map((path) => ({ path, format: "parquet" })),
          null,
        );
      }
    }
  }

  const route = scriptRouteFor(repo);
  if (route) {
    const chosen = route.plan(repoFiles, want.subset, want.split, want.kwargs);
    if (chosen.ok) {
      return planOf(`loading-script replacement for ${route.repo}`, chosen.files, chosen.rowFilter);
    }
    throw notFound(repo, chosen);
  }

  let reason: { reason: string; subsets?: string[]; splits?: string[] } = {
    reason: "the repo uses a loading script skyeval cannot run",
  };
  if (!hasLoadingScript(repo, repoFiles)) {
    const cardData = info.cardData === undefined && repoFiles.includes("README.md")
      ? await readCardData(ctx, repo, info.sha)
      : info.cardData;
    const chosen = splitFilesOf(repoFiles, cardData, want.subset, want.split);
    if (chosen.ok) return planOf("repo files", chosen.files, null);
    reason = chosen;
  }
  if (want.revision === "main") {
    const converted = await conversionFiles(ctx, repo, want.subset ?? "default", want.split);
    if (converted) {
      return planOf(
        "Parquet conversion (refs/convert/parquet)",
        converted.files.map((path) => ({ path, format: "parquet" })),
        null,
        converted.commit,
      );
    }
  }
  throw notFound(repo, reason);
}

function notFound(
  repo: string,
  why: { reason: string; subsets?: string[]; splits?: string[] },
): DatasetError {
  const list = why.subsets
    ? ` (subsets: ${why.subsets.join(", ")})`
    : why.splits
    ? ` (splits: ${why.splits.join(", ")})`
    : "";
  return new DatasetError(`Cannot load dataset "${repo}": ${why.reason}${list}`);
}

async function readCardData(ctx: HubContext, repo: string, commit: string): Promise<unknown> {
  const url = `${ctx.endpoint}/datasets/${repo}/resolve/${commit}/README.md`;
  const { response } = await hubRequest(ctx, url);
  const text = await response.text();
  const match = text.match(/^---\r?\n([\s\S]*?)\r?\n---/);
  if (!match) return null;
  try {
    return parseYaml(match[1]);
  } catch {
    return null;
  }
}

/** Shards of `{config}/{split}` on the Parquet conversion branch, or `null`. */
async function conversionFiles(
  ctx: HubContext,
  repo: string,
  config: string,
  split: string,
): Promise<{ commit: string; files: string[] } | null> {
  let commit: string;
  try {
    commit = (await repoInfo(ctx, repo, CONVERSION_REVISION)).sha;
  } catch (error) {
    if (error instanceof HubHttpError && error.status === 404) return null;
    throw error;
  }
  for (const folder of [`${config}/${split}`, `${config}/partial-${split}`]) {
    const entries = await listFolder(ctx, repo, commit, folder);
    const files = entries
      .filter((e) => e.type === "file" && e.path.endsWith(".parquet"))
      .map((e) => e.path)
      .sort(comparePaths);
    if (files.length > 0) return { commit, files };
  }
  return null;
}

/** Every entry of a repo folder, following `Link: <...>; rel="next"` pages; `[]` if absent. */
async function listFolder(
  ctx: HubContext,
  repo: string,
  commit: string,
  folder: string,
): Promise<z.infer<typeof TreeEntrySchema>[]> {
  const entries: z.infer<typeof TreeEntrySchema>[] = [];
  let url: string | null = `${ctx.endpoint}/api/datasets/${repo}/tree/${encodeRevision(commit)}/${
    encodeRepoPath(folder)
  }?recursive=false&expand=false`;
  while (url) {
    let response: Response;
    try {
      ({ response } = await hubRequest(ctx, url));
    } catch (error) {
      if (error instanceof HubHttpError && error.status === 404) return [];
      throw error;
    }
    const page = z.array(TreeEntrySchema).safeParse(await response.json().catch(() => null));
    if (!page.success) {
      throw new DatasetError(`Cannot load dataset "${repo}": unreadable tree listing`);
    }
    entries.push(...page.data);
    const next = response.headers.get("link")?.match(/<([^>]+)>\s*;\s*rel="next"/);
    url = next ? new URL(next[1], url).href : null;
  }
  return entries;
}

function isCommitSha(revision: string): boolean {
  return /^[0-9a-f]{40}$/.test(revision);
}

function planKey(subset: string | null, split: string, kwargs: Record<string, unknown>): string {
  const relevant = Object.fromEntries(
    Object.entries(kwargs)
      .filter(([k]) => k !== "trust_remote_code" && k !== "revision")
      .sort(([a], [b]) => comparePaths(a, b)),
  );
  const digest = createHash("sha256").update(JSON.stringify([subset, split, relevant])).digest(
    "hex",
  );
  return `${subset ?? "default"}--${split}--${digest.slice(0, 12)}`;
}
