/**
 * Where a dataset comes from: a Hugging Face Hub dataset, a URL, or a local file.
 *
 * @module
 */

/**
 * A dataset to load, named the way SkyThought names it.
 *
 * - `hub`: `load_dataset(repo, name=subset, split=split, revision=revision, **kwargs)`.
 *   `kwargs` carries SkyThought's `dataset_kwargs` (e.g. `{ version_tag: "release_v2" }`
 *   for LiveCodeBench); `trust_remote_code` is accepted and ignored.
 * - `url`: JSON or JSONL (by extension or content sniffing), also `.parquet` and `.csv`.
 * - `file`: `.jsonl`, `.json` (an array of rows, or an object holding a list), `.parquet`, `.csv`.
 *   `field` picks the list inside a JSON object when there are several.
 */
export type DatasetSource =
  | {
    kind: "hub";
    repo: string;
    subset?: string | null;
    split: string;
    revision?: string | null;
    kwargs?: Record<string, unknown>;
  }
  | { kind: "url"; url: string; field?: string }
  | { kind: "file"; path: string; field?: string };

/**
 * The source SkyThought would use for a task's `dataset_path`: a URL when it has a
 * scheme (subset and split are then not allowed), otherwise a Hub dataset id.
 *
 * @example
 * ```ts
 * datasetSourceOf("openai/gsm8k", { subset: "main", split: "test" });
 * // { kind: "hub", repo: "openai/gsm8k", subset: "main", split: "test", revision: null }
 * ```
 */
export function datasetSourceOf(
  datasetPath: string,
  options: {
    subset?: string | null;
    split?: string | null;
    revision?: string | null;
    kwargs?: Record<string, unknown>;
  } = {},
): DatasetSource {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(datasetPath)) {
    if (options.subset || options.split) {
      throw new TypeError(
        `Cannot use dataset "${datasetPath}": a URL dataset takes no subset or split`,
      );
    }
    return { kind: "url", url: datasetPath };
  }
  if (!options.split) {
    throw new TypeError(`Cannot use dataset "${datasetPath}": a Hub dataset needs a split`);
  }
  return {
    kind: "hub",
    repo: datasetPath,
    subset: options.subset ?? null,
    split: options.split,
    revision: options.revision ?? null,
    ...(options.kwargs ? { kwargs: options.kwargs } : {}),
  };
}

/** A short human-readable name for a source, used in error messages. */
export function describeSource(source: DatasetSource): string {
  switch (source.kind) {
    case "hub":
      return source.repo;
    case "url":
      return source.url;
    case "file":
      return source.path;
  }
}
