/**
 * The on-disk cache: Hub files keyed by repo / commit sha / path, resolved revisions,
 * resolved file plans (so `offline` works), and URL downloads. Every write goes to a
 * temporary file first and is renamed into place, so readers never see half a file.
 *
 * Layout under the cache dir:
 * - `hub/datasets/{owner}/{name}/refs/{revision}`: the commit sha a revision resolved to
 * - `hub/datasets/{owner}/{name}/files/{sha}/{path}`: file bytes
 * - `hub/datasets/{owner}/{name}/meta/{sha}/{path}.json`: `{ size, sha256, etag }`
 * - `hub/datasets/{owner}/{name}/plans/{sha}/{key}.json`: which files make a subset/split
 * - `urls/{sha256 of url}/data` and `meta.json`
 *
 * @module
 */
import { createHash } from "node:crypto";

/** What the cache knows about a stored file. */
export interface FileMeta {
  size: number;
  sha256: string;
  etag: string | null;
}

/** Writes `data` to `path` through a temporary sibling and a rename. */
export async function writeFileAtomic(path: string, data: Uint8Array | string): Promise<void> {
  await Deno.mkdir(dirname(path), { recursive: true });
  const temp = temporarySibling(path);
  try {
    if (typeof data === "string") await Deno.writeTextFile(temp, data);
    else await Deno.writeFile(temp, data);
    await Deno.rename(temp, path);
  } catch (error) {
    await Deno.remove(temp).catch(() => {});
    throw error;
  }
}

/** A unique temporary file name next to `path` (same directory, so rename is atomic). */
export function temporarySibling(path: string): string {
  return `${path}.tmp-${crypto.randomUUID().slice(0, 8)}`;
}

/** The directory part of a `/`-separated path. */
export function dirname(path: string): string {
  const cut = path.lastIndexOf("/");
  return cut <= 0 ? (cut === 0 ? "/" : ".") : path.slice(0, cut);
}

async function readJson<T>(path: string): Promise<T | null> {
  try {
    return JSON.parse(await Deno.readTextFile(path)) as T;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound || error instanceof SyntaxError) return null;
    throw error;
  }
}

/** Rejects repo ids and repo paths that could escape the cache directory. */
export function assertSafeRelativePath(path: string, what: string): void {
  const parts = path.split("/");
  if (path.startsWith("/") || parts.some((p) => p === "" || p === "." || p === "..")) {
    throw new TypeError(`Unsafe ${what} "${path}"`);
  }
}

/** The cache entries of one Hub dataset repo. */
export class HubRepoCache {
  readonly #dir: string;

  /** Cache for `repo` (`owner/name`) under `cacheDir`. */
  constructor(cacheDir: string, repo: string) {
    assertSafeRelativePath(repo, "dataset id");
    this.#dir = `${cacheDir.replace(/\/+$/, "")}/hub/datasets/${repo}`;
  }

  /** The commit sha `revision` last resolved to, or `null`. */
  async readRef(revision: string): Promise<string | null> {
    try {
      const sha = (await Deno.readTextFile(this.#refPath(revision))).trim();
      return /^[0-9a-f]{40}$/.test(sha) ? sha : null;
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) return null;
      throw error;
    }
  }

  /** Records that `revision` resolved to `sha`. */
  async writeRef(revision: string, sha: string): Promise<void> {
    await writeFileAtomic(this.#refPath(revision), sha);
  }

  /** Where the bytes of `path` at `commit` live. */
  filePath(commit: string, path: string): string {
    assertSafeRelativePath(path, "path in repo");
    return `${this.#dir}/files/${commit}/${path}`;
  }

  /** The stored facts of a cached file, or `null` when it is not cached intact. */
  async readFileMeta(commit: string, path: string): Promise<FileMeta | null> {
    const meta = await readJson<FileMeta>(this.#metaPath(commit, path));
    if (!meta) return null;
    try {
      const stat = await Deno.stat(this.filePath(commit, path));
      return stat.size === meta.size ? meta : null;
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) return null;
      throw error;
    }
  }

  /** Records the facts of a file just stored. */
  async writeFileMeta(commit: string, path: string, meta: FileMeta): Promise<void> {
    await writeFileAtomic(this.#metaPath(commit, path), JSON.stringify(meta));
  }

  /** Forgets a cached file (e.g. after its bytes failed verification). */
  async removeFile(commit: string, path: string): Promise<void> {
    await Deno.remove(this.#metaPath(commit, path)).catch(() => {});
    await Deno.remove(this.filePath(commit, path)).catch(() => {});
  }

  /** A stored plan, or `null`. */
  readPlan<T>(commit: string, key: string): Promise<T | null> {
    return readJson<T>(this.#planPath(commit, key));
  }

  /** Stores a plan. */
  async writePlan(commit: string, key: string, plan: unknown): Promise<void> {
    await writeFileAtomic(this.#planPath(commit, key), JSON.stringify(plan, null, 1));
  }

  #refPath(revision: string): string {
    return `${this.#dir}/refs/${encodeURIComponent(revision)}`;
  }

  #metaPath(commit: string, path: string): string {
    assertSafeRelativePath(path, "path in repo");
    return `${this.#dir}/meta/${commit}/${path}.json`;
  }

  #planPath(commit: string, key: string): string {
    return `${this.#dir}/plans/${commit}/${encodeURIComponent(key)}.json`;
  }
}

/** Cache entries for a URL download. */
export function urlCachePaths(cacheDir: string, url: string): { data: string; meta: string } {
  const key = createHash("sha256").update(url).digest("hex").slice(0, 40);
  const dir = `${cacheDir.replace(/\/+$/, "")}/urls/${key}`;
  return { data: `${dir}/data`, meta: `${dir}/meta.json` };
}

/** Reads a JSON file, `null` when missing or unparsable. */
export function readJsonFile<T>(path: string): Promise<T | null> {
  return readJson<T>(path);
}
