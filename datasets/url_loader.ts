/**
 * Loads a dataset from a URL (SkyThought's `load_dataset("json", data_files=[url])`),
 * keeping a copy in the cache so `offline` can reuse the last download.
 *
 * @module
 */
import { createHash } from "node:crypto";
import { type DataFormat, formatOfName, readDataFile, sniffFormat } from "./data_file.ts";
import { readJsonFile, urlCachePaths, writeFileAtomic } from "./disk_cache.ts";
import { downloadFile, type ProgressEvent } from "./download.ts";
import { DatasetError } from "./errors.ts";
import { type HubContext, HubHttpError, HubNetworkError } from "./hub_http.ts";
import { readFailure } from "./local_file.ts";

interface UrlMeta {
  url: string;
  size: number;
  sha256: string;
  format: DataFormat;
}

/** Rows, content hash and origin of the data at `url`. */
export async function loadUrl(
  url: string,
  options: {
    ctx: HubContext;
    cacheDir: string | null;
    offline: boolean;
    field?: string;
    onProgress?: (event: ProgressEvent) => void;
  },
): Promise<
  { rows: Record<string, unknown>[]; contentHash: string; origin: string; files: string[] }
> {
  const prefix = `Cannot load dataset "${url}"`;
  const parsed = URL.canParse(url) ? new URL(url) : null;
  if (!parsed || !["http:", "https:"].includes(parsed.protocol)) {
    throw new DatasetError(`${prefix}: only http and https URLs are supported`);
  }
  const paths = options.cacheDir ? urlCachePaths(options.cacheDir, url) : null;
  let meta: UrlMeta | null = null;
  let bytes: Uint8Array | undefined;
  if (options.offline) {
    meta = paths ? await readJsonFile<UrlMeta>(paths.meta) : null;
    if (!meta) {
      throw new DatasetError(`${prefix}: not in the cache (offline mode: load it once online)`);
    }
  } else {
    let download;
    try {
      download = await downloadFile(options.ctx, url, {
        dest: paths?.data ?? null,
        label: url,
        onProgress: options.onProgress,
        verifyEtag: parsed.origin === new URL(options.ctx.endpoint).origin,
      });
    } catch (error) {
      if (error instanceof HubHttpError) {
        throw new DatasetError(`${prefix}: the server answered ${error.status}`, { cause: error });
      }
      if (error instanceof HubNetworkError) {
        const cause = error.cause instanceof Error ? `: ${error.cause.message}` : "";
        throw new DatasetError(`${prefix}: ${error.message}${cause}`, { cause: error });
      }
      throw error;
    }
    bytes = download.bytes;
    const head = bytes ?? await readHead(paths!.data);
    meta = {
      url,
      size: download.size,
      sha256: download.sha256,
      format: formatOfName(parsed.pathname) ?? sniffFormat(head),
    };
    if (paths) await writeFileAtomic(paths.meta, JSON.stringify(meta));
  }
  const total = createHash("sha256");
  let content;
  try {
    content = await readDataFile(bytes ? { bytes } : { path: paths!.data }, meta.format, {
      field: options.field,
      hashers: [total],
    });
  } catch (error) {
    throw readFailure(prefix, error);
  }
  if (content.sha256 !== meta.sha256) {
    throw new DatasetError(`${prefix}: the cached copy is corrupt (sha256 mismatch)`);
  }
  if (content.rows.length === 0) throw new DatasetError(`${prefix}: the file has no rows`);
  return {
    rows: content.rows,
    contentHash: total.digest("hex"),
    origin: `URL ${url} (${meta.format}, sha256 ${meta.sha256})`,
    files: [url],
  };
}

async function readHead(path: string): Promise<Uint8Array> {
  const file = await Deno.open(path, { read: true });
  try {
    const buffer = new Uint8Array(4096);
    const n = await file.read(buffer);
    return buffer.subarray(0, n ?? 0);
  } finally {
    file.close();
  }
}
