/**
 * Glob patterns as `datasets` resolves them over a repo's files (fsspec >= 2023.12,
 * Python `glob` semantics): `*` and `?` stay inside one path segment, a `**` segment
 * spans zero or more directories, `[...]` is a character class (`[!...]` negated).
 *
 * @module
 */

/** A regular expression matching whole repo paths against `pattern`. */
export function globToRegExp(pattern: string): RegExp {
  const segments = pattern.split("/");
  let source = "";
  segments.forEach((segment, index) => {
    const last = index === segments.length - 1;
    if (segment === "**") {
      source += last ? ".*" : "(?:[^/]+/)*";
      return;
    }
    source += segmentSource(segment) + (last ? "" : "/");
  });
  return new RegExp(`^${source}$`);
}

function segmentSource(segment: string): string {
  let out = "";
  for (let i = 0; i < segment.length; i++) {
    const ch = segment[i];
    if (ch === "*") {
      while (segment[i + 1] === "*") i++;
      out += "[^/]*";
    } else if (ch === "?") {
      out += "[^/]";
    } else if (ch === "[") {
      const close = segment.indexOf("]", i + 2);
      if (close < 0) {
        out += "\\[";
        continue;
      }
      let body = segment.slice(i + 1, close);
      const negated = body.startsWith("!");
      if (negated) body = body.slice(1);
      out += `[${negated ? "^" : ""}${body.replace(/[\\\]^]/g, "\\$&")}]`;
      i = close;
    } else {
      out += ch.replace(/[.+^${}()|\\]/g, "\\$&");
    }
  }
  return out;
}

const FILES_TO_IGNORE = new Set([
  "README.md",
  "config.json",
  "dataset_info.json",
  "dataset_infos.json",
  "dummy_data.zip",
  "dataset_dict.json",
]);

/**
 * The paths among `files` matching `pattern`, sorted, minus what `datasets` skips
 * unless asked for by name: hidden files and folders (leading `.`), special folders
 * (leading `__`), and metadata files such as `README.md`.
 */
export function matchFiles(files: readonly string[], pattern: string): string[] {
  const regexp = globToRegExp(pattern);
  const patternBase = pattern.split("/").pop() ?? "";
  const hiddenInPattern = hiddenParts(pattern);
  const specialInPattern = specialDirs(pattern);
  return files
    .filter((path) => {
      if (!regexp.test(path)) return false;
      const base = path.split("/").pop() ?? "";
      if (FILES_TO_IGNORE.has(base) && base !== patternBase) return false;
      return hiddenParts(path) === hiddenInPattern && specialDirs(path) === specialInPattern;
    })
    .sort(comparePaths);
}

function hiddenParts(path: string): number {
  return path.split("/").filter((p) => p.startsWith(".") && !/^\.+$/.test(p)).length;
}

function specialDirs(path: string): number {
  return path.split("/").slice(0, -1).filter((p) => p.startsWith("__")).length;
}

/** Code-point order, as Python's `sorted` orders paths. */
export function comparePaths(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
