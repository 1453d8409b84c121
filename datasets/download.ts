/**
 * Streams one file from the Hub (or any URL) to disk or memory, verifying it against
 * the Hub's checksum: `X-Linked-Etag` is the sha256 of LFS/xet content and a plain
 * `ETag` of a git-stored file is its git blob sha1. A dropped connection resumes with
 * `Range: bytes=N-`; a server that answers 200 instead of 206 restarts the file.
 *
 * @module
 */
import { createHash, type Hash } from "node:crypto";
import { dirname, temporarySibling } from "./disk_cache.ts";
import { type HubContext, hubRequest, normalizeEtag } from "./hub_http.ts";
import { concatBytes } from "../core/bytes.ts";

/** A progress report while a file downloads. */
export interface ProgressEvent {
  file: string;
  bytes: number;
  total?: number;
}

/** A finished, verified download. */
export interface Download {
  size: number;
  sha256: string;
  etag: string | null;
  /** `X-Repo-Commit` of the Hub's answer, when it came from the Hub. */
  commit: string | null;
  /** The bytes, when no destination file was given. */
  bytes?: Uint8Array;
}

/** The downloaded bytes do not match the size or checksum the server announced. */
export class ChecksumError extends Error {
  /** Builds the error. */
  constructor(message: string) {
    super(message);
    this.name = "ChecksumError";
  }
}

const MAX_RESUMES = 3;

/**
 * Downloads `url` to `dest` (atomically, via a temporary sibling) or into memory
 * when `dest` is `null`. Throws `ChecksumError` when the bytes do not verify.
 */
export async function downloadFile(
  ctx: HubContext,
  url: string,
  options: {
    dest: string | null;
    label: string;
    onProgress?: (event: ProgressEvent) => void;
    /** Check the bytes against the Hub's etag (off for servers whose etags mean other things). */
    verifyEtag?: boolean;
  },
): Promise<Download> {
  const { response, hubHeaders, finalUrl } = await hubRequest(ctx, url);
  const etag = options.verifyEtag === false
    ? null
    : normalizeEtag(hubHeaders.get("x-linked-etag") ?? hubHeaders.get("etag"));
  const commit = hubHeaders.get("x-repo-commit");
  const expectedSize = announcedSize(hubHeaders, response);

  const temp = options.dest ? temporarySibling(options.dest) : null;
  if (temp) await Deno.mkdir(dirname(temp), { recursive: true });
  const sink = temp ? await Deno.open(temp, { write: true, create: true, truncate: true }) : null;
  let chunks: Uint8Array[] = [];
  let sha256: Hash = createHash("sha256");
  let received = 0;
  const restart = async () => {
    sha256 = createHash("sha256");
    received = 0;
    chunks = [];
    if (sink) {
      await sink.truncate(0);
      await sink.seek(0, Deno.SeekMode.Start);
    }
  };
  try {
    let body = response.body;
    for (let resumes = 0;; resumes++) {
      try {
        if (body) {
          for await (const chunk of body) {
            sha256.update(chunk);
            if (sink) await writeAll(sink, chunk);
            else chunks.push(chunk);
            received += chunk.length;
            options.onProgress?.({ file: options.label, bytes: received, total: expectedSize });
          }
        }
        break;
      } catch (error) {
        if (ctx.signal?.aborted || resumes >= MAX_RESUMES) throw error;
        const again = await hubRequest(ctx, finalUrl, {
          headers: { Range: `bytes=${received}-` },
        });
        if (again.response.status !== 206) await restart();
        body = again.response.body;
      }
    }
    const digest = sha256.digest("hex");
    const bytes = sink ? null : concatBytes(chunks);
    await verify({ digest, received, expectedSize, etag, bytes, temp, label: options.label });
    if (sink) {
      sink.close();
      await Deno.rename(temp!, options.dest!);
    }
    return { size: received, sha256: digest, etag, commit, ...(bytes ? { bytes } : {}) };
  } catch (error) {
    if (sink) {
      try {
        sink.close();
      } catch { /* already closed */ }
      await Deno.remove(temp!).catch(() => {});
    }
    throw error;
  }
}

function announcedSize(hubHeaders: Headers, response: Response): number | undefined {
  const linked = hubHeaders.get("x-linked-size");
  if (linked && /^\d+$/.test(linked)) return Number(linked);
  const length = response.headers.get("content-length");
  if (length && /^\d+$/.test(length) && !response.headers.has("content-encoding")) {
    return Number(length);
  }
  return undefined;
}

async function verify(facts: {
  digest: string;
  received: number;
  expectedSize: number | undefined;
  etag: string | null;
  bytes: Uint8Array | null;
  temp: string | null;
  label: string;
}): Promise<void> {
  const { digest, received, expectedSize, etag, label } = facts;
  if (expectedSize !== undefined && received !== expectedSize) {
    throw new ChecksumError(`"${label}" arrived with ${received} bytes, not ${expectedSize}`);
  }
  if (etag && /^[0-9a-f]{64}$/i.test(etag) && etag.toLowerCase() !== digest) {
    throw new ChecksumError(`"${label}" does not match its sha256 ${etag}`);
  }
  if (etag && /^[0-9a-f]{40}$/i.test(etag)) {
    const bytes = facts.bytes ?? await Deno.readFile(facts.temp!);
    const git = createHash("sha1").update(`blob ${bytes.length}\0`).update(bytes).digest("hex");
    const plain = createHash("sha1").update(bytes).digest("hex");
    if (etag.toLowerCase() !== git && etag.toLowerCase() !== plain) {
      throw new ChecksumError(`"${label}" does not match its git blob sha1 ${etag}`);
    }
  }
}

async function writeAll(file: Deno.FsFile, chunk: Uint8Array): Promise<void> {
  let offset = 0;
  while (offset < chunk.length) offset += await file.write(chunk.subarray(offset));
}
