/**
 * Which files of a Hub dataset repo make up a subset's split, decided the way the
 * `datasets` library decides it for repos without a loading script: the README's
 * `configs` metadata when present, otherwise its file-name conventions
 * (`data/{split}-00000-of-00001.*`, a split name in a folder or file name, else all
 * files are `train`).
 *
 * @module
 */
import { type DataFormat, formatOfName } from "./data_file.ts";
import { comparePaths, matchFiles } from "./glob.ts";

/** The files of one split, or why there are none. */
export type SplitFiles =
  | { ok: true; files: { path: string; format: DataFormat }[] }
  | { ok: false; reason: string; subsets?: string[]; splits?: string[] };

const SPLIT_PATTERN_SHARDED =
  "data/{split}-[0-9][0-9][0-9][0-9][0-9]-of-[0-9][0-9][0-9][0-9][0-9]*.*";
const SPLIT_KEYWORDS: Record<string, string[]> = {
  train: ["train", "training"],
  validation: ["validation", "valid", "dev", "val"],
  test: ["test", "testing", "eval", "evaluation"],
};
const SEP = "[-._ 0-9]";
const IN_DIR_NAME = [
  "**/{k}/**",
  `**/{k}${SEP}*/**`,
  `**/*${SEP}{k}/**`,
  `**/*${SEP}{k}${SEP}*/**`,
];
const IN_FILE_NAME = [`**/{k}${SEP}*`, `**/*${SEP}{k}${SEP}*`];

function keywordPatterns(templates: string[]): Record<string, string[]> {
  return Object.fromEntries(
    Object.entries(SPLIT_KEYWORDS).map((
      [split, keywords],
    ) => [split, keywords.flatMap((k) => templates.map((t) => t.replaceAll("{k}", k)))]),
  );
}

/** A `configs` entry of the README metadata. */
interface MetadataConfig {
  config_name?: string;
  data_files?: unknown;
  data_dir?: string;
  default?: boolean;
}

/** The `configs` list of a dataset card's metadata, `[]` when absent. */
export function metadataConfigs(cardData: unknown): MetadataConfig[] {
  const configs = (cardData as { configs?: unknown } | null | undefined)?.configs;
  return Array.isArray(configs)
    ? configs.filter((c): c is MetadataConfig => typeof c === "object" && c !== null)
    : [];
}

/**
 * The data files of `split` in `subset` (`null` = the default subset), given every
 * file path in the repo and its card metadata.
 */
export function splitFilesOf(
  repoFiles: readonly string[],
  cardData: unknown,
  subset: string | null,
  split: string,
): SplitFiles {
  const configs = metadataConfigs(cardData);
  let patterns: Record<string, string[]>;
  let base = "";
  if (configs.length > 0) {
    const names = configs.map((c) => c.config_name ?? "default");
    const config = subset === null
      ? configs.find((c) => c.default) ??
        configs.find((c) => (c.config_name ?? "default") === "default") ??
        (configs.length === 1 ? configs[0] : undefined)
      : configs.find((c) => (c.config_name ?? "default") === subset);
    if (!config) {
      return {
        ok: false,
        reason: subset === null
          ? "the dataset has several subsets and none is the default"
          : `no subset "${subset}"`,
        subsets: names,
      };
    }
    base = config.data_dir ? `${config.data_dir.replace(/\/+$/, "")}/` : "";
    const scoped = base
      ? repoFiles.filter((p) => p.startsWith(base)).map((p) => p.slice(base.length))
      : repoFiles;
    patterns = config.data_files === undefined || config.data_files === null
      ? inferPatterns(scoped)
      : sanitizePatterns(config.data_files);
  } else {
    if (subset !== null && subset !== "default") {
      return { ok: false, reason: `no subset "${subset}"`, subsets: ["default"] };
    }
    patterns = inferPatterns(repoFiles);
  }
  const scoped = base
    ? repoFiles.filter((p) => p.startsWith(base)).map((p) => p.slice(base.length))
    : repoFiles;
  const bySplit = new Map<string, string[]>();
  for (const [name, list] of Object.entries(patterns)) {
    const matched: string[] = [];
    for (const pattern of list) {
      for (const path of matchFiles(scoped, pattern)) {
        if (!matched.includes(path) && formatOfName(path)) matched.push(path);
      }
    }
    bySplit.set(name, matched.map((p) => base + p));
  }
  const files = bySplit.get(split);
  if (!files) return { ok: false, reason: `no split "${split}"`, splits: [...bySplit.keys()] };
  const kept = mostCommonFormat([...bySplit.values()].flat(), files);
  if (kept.length === 0) {
    return { ok: false, reason: `no JSON, JSONL, CSV or Parquet files for split "${split}"` };
  }
  return { ok: true, files: kept };
}

/** `data_files` metadata as `{ split: patterns }` (`datasets`' `sanitize_patterns`). */
export function sanitizePatterns(dataFiles: unknown): Record<string, string[]> {
  const asList = (v: unknown) => (Array.isArray(v) ? v.map(String) : [String(v)]);
  if (typeof dataFiles === "string") return { train: [dataFiles] };
  if (Array.isArray(dataFiles)) {
    if (dataFiles.some((d) => typeof d === "object" && d !== null)) {
      return Object.fromEntries(
        dataFiles.map((d: { split: unknown; path: unknown }) => [String(d.split), asList(d.path)]),
      );
    }
    return { train: asList(dataFiles) };
  }
  if (typeof dataFiles === "object" && dataFiles !== null) {
    return Object.fromEntries(Object.entries(dataFiles).map(([k, v]) => [k, asList(v)]));
  }
  return {};
}

/** Split patterns inferred from file names (`datasets`' `_get_data_files_patterns`). */
export function inferPatterns(repoFiles: readonly string[]): Record<string, string[]> {
  const dataFiles = repoFiles.filter((p) => formatOfName(p));
  const sharded = matchFiles(dataFiles, SPLIT_PATTERN_SHARDED.replace("{split}", "*"));
  if (sharded.length > 0) {
    const splits = new Set(
      sharded.map((p) => p.slice("data/".length).replace(/-\d{5}-of-\d{5}.*$/, "")),
    );
    const ordered = [
      ...Object.keys(SPLIT_KEYWORDS).filter((s) => splits.has(s)),
      ...[...splits].filter((s) => !(s in SPLIT_KEYWORDS)).sort(comparePaths),
    ];
    return Object.fromEntries(
      ordered.map((s) => [s, [SPLIT_PATTERN_SHARDED.replace("{split}", s)]]),
    );
  }
  for (const group of [keywordPatterns(IN_DIR_NAME), keywordPatterns(IN_FILE_NAME)]) {
    const found = Object.entries(group).filter(([, patterns]) =>
      patterns.some((p) => matchFiles(dataFiles, p).length > 0)
    );
    if (found.length > 0) return Object.fromEntries(found);
  }
  return { train: ["**"] };
}

function mostCommonFormat(
  allFiles: string[],
  splitFiles: string[],
): { path: string; format: DataFormat }[] {
  const family = (f: DataFormat) => (f === "jsonl" ? "json" : f);
  const counts = new Map<string, number>();
  for (const path of allFiles) {
    const f = family(formatOfName(path)!);
    counts.set(f, (counts.get(f) ?? 0) + 1);
  }
  const winner = [...counts].sort((a, b) => b[1] - a[1])[0]?.[0];
  return splitFiles
    .map((path) => ({ path, format: formatOfName(path)! }))
    .filter((f) => family(f.format) === winner);
}
