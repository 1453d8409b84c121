/**
 * A fake Hugging Face Hub for tests, speaking the real wire protocol over real sockets
 * (protocols.md 1.2-1.5, 1.9): repo info with `sha`/`siblings`/`cardData`, paginated tree
 * listings (`Link: <...>; rel="next"`), the `/parquet` listings, and `resolve` downloads
 * (200 + git-sha1 `ETag` for small files, 302 + `X-Linked-Etag`/`X-Linked-Size` to a
 * second "CDN" origin for LFS files), relative 307s for renamed repos, `GatedRepo` 401/403,
 * `RepoNotFound`/`RevisionNotFound`/`EntryNotFound`, and injectable faults such as 429
 * with `Retry-After` / `RateLimit`. Every request is logged.
 *
 * @module
 */
import { createHash } from "node:crypto";

/** File content: text or bytes. */
export type FixtureContent = string | Uint8Array;

/** One commit of a fixture repo. */
export interface HubCommitFixture {
  files: Record<string, FixtureContent>;
  /** Parsed README metadata (`configs`, ...), served as `cardData`. */
  cardData?: unknown;
}

/** One dataset repo. */
export interface HubDatasetFixture {
  /** Branch, tag or ref name (`main`, `refs/convert/parquet`, `refs/pr/2`) to commit sha. */
  refs: Record<string, string>;
  commits: Record<string, HubCommitFixture>;
  gated?: false | "auto" | "manual";
  /** Tokens whose owners accepted a gated dataset's terms (or may see a private one). */
  grantedTokens?: string[];
  private?: boolean;
  /** Former ids that now redirect here (a renamed repo). */
  formerIds?: string[];
}

/** Answer `status` to requests matching `path`, `times` times. */
export interface HubFault {
  path: RegExp;
  status: number;
  times: number;
  headers?: Record<string, string>;
  server?: "hub" | "cdn";
}

/** Options of the fake Hub. */
export interface HubServerOptions {
  datasets: Record<string, HubDatasetFixture>;
  /** Tokens the Hub knows; any other bearer token gets 401. Default: every token is valid. */
  validTokens?: string[];
  /** Tree listing page size (the real Hub uses 1000; small values test pagination). */
  treePageSize?: number;
  faults?: HubFault[];
  /** Which files are LFS (served via the CDN redirect). Default: `.parquet` and files > 8 KiB. */
  isLfs?: (path: string, bytes: Uint8Array) => boolean;
  /** The CDN drops the connection after `bytes` bytes, `times` times (tests `Range` resume). */
  cdnDrop?: { bytes: number; times: number };
  /** The CDN serves flipped bytes `times` times (tests checksum verification). */
  cdnCorrupt?: { times: number };
}

/** One request the fake Hub or CDN received. */
export interface LoggedRequest {
  server: "hub" | "cdn";
  method: string;
  /** Raw path and query, as sent (percent-encoding kept). */
  path: string;
  authorization: string | null;
  range: string | null;
}

/** A running fake Hub. */
export interface HubServer {
  /** Hub base URL (use as `HF_ENDPOINT`). */
  url: string;
  /** The CDN's base URL (another origin). */
  cdnUrl: string;
  requests: LoggedRequest[];
  close(): Promise<void>;
}

/** A deterministic 40-hex commit sha for tests. */
export function fakeSha(seed: string): string {
  return createHash("sha1").update(seed).digest("hex");
}

function bytesOf(content: FixtureContent): Uint8Array<ArrayBuffer> {
  return typeof content === "string" ? new TextEncoder().encode(content) : content.slice();
}

function gitBlobSha1(bytes: Uint8Array): string {
  return createHash("sha1").update(`blob ${bytes.length}\0`).update(bytes).digest("hex");
}

function sha256(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json; charset=utf-8", ...headers },
  });
}

function hubError(status: number, code: string | null, message: string, extra = {}): Response {
  return json({ error: message }, status, {
    ...(code ? { "x-error-code": code } : {}),
    "x-error-message": message,
    "x-request-id": crypto.randomUUID(),
    ...extra,
  });
}

/** Starts the fake Hub and its CDN on 127.0.0.1 (random ports). */
export function startHubServer(options: HubServerOptions): Promise<HubServer> {
  const requests: LoggedRequest[] = [];
  const faults = (options.faults ?? []).map((f) => ({ ...f }));
  const blobs = new Map<string, Uint8Array<ArrayBuffer>>();
  const isLfs = options.isLfs ??
    ((path: string, bytes: Uint8Array) => path.endsWith(".parquet") || bytes.length > 8192);
  const pageSize = options.treePageSize ?? 1000;
  let cdnDrops = options.cdnDrop?.times ?? 0;
  let cdnCorrupts = options.cdnCorrupt?.times ?? 0;

  const log = (server: "hub" | "cdn", request: Request) => {
    const url = new URL(request.url);
    requests.push({
      server,
      method: request.method,
      path: url.pathname + url.search,
      authorization: request.headers.get("authorization"),
      range: request.headers.get("range"),
    });
  };
  const fault = (server: "hub" | "cdn", request: Request): Response | null => {
    const url = new URL(request.url);
    const hit = faults.find((f) =>
      f.times > 0 && (f.server ?? "hub") === server && f.path.test(url.pathname)
    );
    if (!hit) return null;
    hit.times--;
    return hubError(hit.status, null, `Fault injected: ${hit.status}`, hit.headers ?? {});
  };

  const cdn = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen() {} }, (request) => {
    log("cdn", request);
    const injected = fault("cdn", request);
    if (injected) return injected;
    const match = new URL(request.url).pathname.match(/^\/repos\/([0-9a-f]{64})$/);
    const blob = match ? blobs.get(match[1]) : undefined;
    if (!blob) return new Response("NoSuchKey", { status: 404 });
    let start = 0;
    const range = request.headers.get("range")?.match(/^bytes=(\d+)-$/);
    if (range) start = Math.min(Number(range[1]), blob.length);
    const body = blob.slice(start);
    if (cdnCorrupts > 0) {
      cdnCorrupts--;
      body[body.length >> 1] ^= 0xff;
    }
    const headers: Record<string, string> = {
      "content-type": "application/octet-stream",
      "content-length": String(body.length),
      "accept-ranges": "bytes",
      etag: `"${sha256(blob)}"`,
    };
    const status = range ? 206 : 200;
    if (range) headers["content-range"] = `bytes ${start}-${blob.length - 1}/${blob.length}`;
    if (request.method === "HEAD") return new Response(null, { status, headers });
    if (options.cdnDrop && cdnDrops > 0 && body.length > options.cdnDrop.bytes) {
      cdnDrops--;
      const cut = options.cdnDrop.bytes;
      const stream = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(body.slice(0, cut));
        },
        pull(controller) {
          controller.error(new Error("connection dropped"));
        },
      });
      return new Response(stream, { status, headers });
    }
    return new Response(body, { status, headers });
  });
  const cdnUrl = `http://127.0.0.1:${cdn.addr.port}`;

  const findRepo = (id: string) => {
    if (options.datasets[id]) return { id, fixture: options.datasets[id], renamed: false };
    for (const [name, fixture] of Object.entries(options.datasets)) {
      if (fixture.formerIds?.includes(id)) return { id: name, fixture, renamed: true };
    }
    return null;
  };

  const hub = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen() {} }, (request) => {
    log("hub", request);
    const injected = fault("hub", request);
    if (injected) return injected;
    const url = new URL(request.url);
    const auth = request.headers.get("authorization");
    const token = auth?.match(/^Bearer (.+)$/)?.[1] ?? null;
    if (auth && (!token || (options.validTokens && !options.validTokens.includes(token)))) {
      return hubError(401, null, "Invalid credentials in Authorization header");
    }
    const segments = url.pathname.split("/").slice(1);
    const api = segments[0] === "api" && segments[1] === "datasets";
    const resolve = segments[0] === "datasets";
    if (!api && !resolve) return hubError(404, null, "Not found");
    const at = api ? 2 : 1;
    const id = `${decodeURIComponent(segments[at] ?? "")}/${
      decodeURIComponent(segments[at + 1] ?? "")
    }`;
    const rest = segments.slice(at + 2);
    const found = findRepo(id);
    const granted = (f: HubDatasetFixture) =>
      token !== null && (f.grantedTokens ?? []).includes(token);
    if (!found || (found.fixture.private && !granted(found.fixture))) {
      return token
        ? hubError(404, "RepoNotFound", "Repository not found")
        : hubError(401, "RepoNotFound", "Repository not found");
    }
    if (found.renamed) {
      const moved = url.pathname.replace(`/${segments[at]}/${segments[at + 1]}`, `/${found.id}`);
      return new Response(null, { status: 307, headers: { location: moved + url.search } });
    }
    const fixture = found.fixture;
    const commitOf = (rawRev: string) => {
      const rev = decodeURIComponent(rawRev);
      const sha = fixture.refs[rev] ?? (fixture.commits[rev] ? rev : null);
      return sha ? { sha, commit: fixture.commits[sha] } : null;
    };

    if (api) {
      const [kind, rawRev, ...pathParts] = rest;
      if (kind === undefined || kind === "revision") {
        const resolved = commitOf(rawRev ?? "main");
        if (!resolved) return hubError(404, "RevisionNotFound", `Invalid rev id: ${rawRev}`);
        return json({
          _id: fakeSha(found.id).slice(0, 24),
          id: found.id,
          author: found.id.split("/")[0],
          sha: resolved.sha,
          lastModified: "2025-01-01T00:00:00.000Z",
          private: fixture.private ?? false,
          gated: fixture.gated ?? false,
          disabled: false,
          downloads: 0,
          likes: 0,
          tags: [],
          cardData: resolved.commit.cardData ?? null,
          siblings: Object.keys(resolved.commit.files).sort().map((rfilename) => ({ rfilename })),
        });
      }
      if (kind === "tree") {
        const resolved = rawRev ? commitOf(rawRev) : null;
        if (!resolved) return hubError(404, "RevisionNotFound", `Invalid rev id: ${rawRev}`);
        const folder = pathParts.map(decodeURIComponent).join("/");
        const entries = treeEntries(
          resolved.commit,
          folder,
          url.searchParams.get("recursive") === "true",
        );
        if (entries === null) {
          return hubError(404, "EntryNotFound", `${folder} does not exist on "${rawRev}"`, {
            "x-repo-commit": resolved.sha,
          });
        }
        const cursor = Number(url.searchParams.get("cursor") ?? 0);
        const page = entries.slice(cursor, cursor + pageSize);
        const headers: Record<string, string> = {};
        if (cursor + pageSize < entries.length) {
          const next = new URL(url);
          next.searchParams.set("cursor", String(cursor + pageSize));
          headers.link = `<${next.href}>; rel="next"`;
        }
        return json(page, 200, headers);
      }
      if (kind === "parquet") {
        return parquetListing(found.id, fixture, [rawRev, ...pathParts].filter(Boolean));
      }
      return hubError(404, null, "Not found");
    }

    // /datasets/{o}/{n}/resolve/{rev}/{path}
    if (rest[0] !== "resolve" || rest.length < 3) return hubError(404, null, "Not found");
    if (fixture.gated && !granted(fixture)) {
      return token
        ? hubError(
          403,
          "GatedRepo",
          `Access to dataset ${found.id} is restricted and you are not in the authorized list. Visit https://huggingface.co/datasets/${found.id} to ask for access.`,
        )
        : hubError(
          401,
          "GatedRepo",
          `Access to dataset ${found.id} is restricted. You must have access to it and be authenticated to access it. Please log in.`,
        );
    }
    const resolved = commitOf(rest[1]);
    if (!resolved) return hubError(404, "RevisionNotFound", `Invalid rev id: ${rest[1]}`);
    const path = rest.slice(2).map(decodeURIComponent).join("/");
    const content = resolved.commit.files[path];
    if (content === undefined) {
      return hubError(404, "EntryNotFound", `${path} does not exist on "${rest[1]}"`, {
        "x-repo-commit": resolved.sha,
      });
    }
    const bytes = bytesOf(content);
    if (isLfs(path, bytes)) {
      const digest = sha256(bytes);
      blobs.set(digest, bytes);
      return new Response(null, {
        status: 302,
        headers: {
          location: `${cdnUrl}/repos/${digest}?X-Amz-Expires=3600&X-Amz-Signature=${
            fakeSha(digest)
          }`,
          "x-linked-etag": `"${digest}"`,
          "x-linked-size": String(bytes.length),
          "x-repo-commit": resolved.sha,
          etag: `"${digest}"`,
        },
      });
    }
    return new Response(request.method === "HEAD" ? null : bytes, {
      status: 200,
      headers: {
        "content-type": "text/plain; charset=utf-8",
        "content-length": String(bytes.length),
        etag: `"${gitBlobSha1(bytes)}"`,
        "x-repo-commit": resolved.sha,
        "accept-ranges": "bytes",
      },
    });
  });

  function treeEntries(commit: HubCommitFixture, folder: string, recursive: boolean) {
    const prefix = folder ? `${folder}/` : "";
    const paths = Object.keys(commit.files).filter((p) => p.startsWith(prefix)).sort();
    if (folder && paths.length === 0) return null;
    const entries: Record<string, unknown>[] = [];
    const dirs = new Set<string>();
    for (const path of paths) {
      const rest = path.slice(prefix.length);
      if (!recursive && rest.includes("/")) {
        const dir = prefix + rest.split("/")[0];
        if (!dirs.has(dir)) {
          dirs.add(dir);
          entries.push({ type: "directory", oid: fakeSha(dir), size: 0, path: dir });
        }
        continue;
      }
      const bytes = bytesOf(commit.files[path]);
      entries.push({
        type: "file",
        oid: gitBlobSha1(bytes),
        size: bytes.length,
        path,
        ...(isLfs(path, bytes)
          ? { lfs: { oid: sha256(bytes), size: bytes.length, pointerSize: 134 } }
          : {}),
      });
    }
    return entries;
  }

  function parquetListing(id: string, fixture: HubDatasetFixture, parts: string[]): Response {
    const sha = fixture.refs["refs/convert/parquet"];
    if (!sha) return hubError(404, "ResponseNotFound", "No parquet conversion");
    const files = Object.keys(fixture.commits[sha].files).filter((p) => p.endsWith(".parquet"))
      .sort();
    const base = `${hubUrl}/api/datasets/${id}/parquet`;
    const byConfig: Record<string, Record<string, string[]>> = {};
    for (const path of files) {
      const [config, split, name] = path.split("/");
      const n = Number(name.replace(".parquet", ""));
      ((byConfig[config] ??= {})[split] ??= []).push(`${base}/${config}/${split}/${n}.parquet`);
    }
    if (parts.length === 0) return json(byConfig);
    const [config, split, shard] = parts.map(decodeURIComponent);
    if (!byConfig[config]) return hubError(404, "ResponseNotFound", `No config ${config}`);
    if (split === undefined) return json(byConfig[config]);
    if (!byConfig[config][split]) return hubError(404, "ResponseNotFound", `No split ${split}`);
    if (shard === undefined) return json(byConfig[config][split]);
    const padded = shard.replace(".parquet", "").padStart(4, "0");
    return new Response(null, {
      status: 302,
      headers: {
        location:
          `/datasets/${id}/resolve/refs%2Fconvert%2Fparquet/${config}/${split}/${padded}.parquet`,
      },
    });
  }

  const hubUrl = `http://127.0.0.1:${hub.addr.port}`;
  return Promise.resolve({
    url: hubUrl,
    cdnUrl,
    requests,
    async close() {
      await Promise.all([hub.shutdown(), cdn.shutdown()]);
    },
  });
}
