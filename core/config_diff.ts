/**
 * What differs between two run configurations, as dotted paths with both
 * values, so a refused `--resume-from` can say which setting changed.
 *
 * @module
 */

/** One differing setting. */
export interface ConfigDifference {
  path: string;
  was: unknown;
  now: unknown;
}

/** Leaf differences between `was` and `now`, skipping paths `ignore` accepts. */
export function configDiff(
  was: unknown,
  now: unknown,
  ignore: (path: string) => boolean = () => false,
  path = "",
): ConfigDifference[] {
  if (ignore(path)) return [];
  const isObject = (v: unknown): v is Record<string, unknown> =>
    typeof v === "object" && v !== null && !Array.isArray(v);
  if (isObject(was) && isObject(now)) {
    const keys = [...new Set([...Object.keys(was), ...Object.keys(now)])];
    return keys.flatMap((key) =>
      configDiff(was[key], now[key], ignore, path ? `${path}.${key}` : key)
    );
  }
  return JSON.stringify(was) === JSON.stringify(now) ? [] : [{ path, was, now }];
}

/** `sampling_params.temperature was 0.7, now 0; ...` (at most `limit` entries). */
export function describeDiff(differences: readonly ConfigDifference[], limit = 3): string {
  const show = (v: unknown) => v === undefined ? "unset" : JSON.stringify(v);
  const shown = differences.slice(0, limit).map((d) =>
    `${d.path} was ${show(d.was)}, now ${show(d.now)}`
  );
  const more = differences.length - shown.length;
  return shown.join("; ") + (more > 0 ? `; and ${more} more` : "");
}
