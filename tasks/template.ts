/**
 * Python `str.format` substitution for SkyThought-style templates:
 * `{name}` and `{}` fields, `{{`/`}}` escapes. No expressions or format specs.
 *
 * @module
 */

/**
 * Fills a template.
 *
 * @param template e.g. `Return your final response within \\boxed{{}}. {problem}`
 * @param values named values, and positional ones for `{}` / `{0}`
 * @throws {TypeError} when a field has no value
 */
export function formatTemplate(
  template: string,
  values: Record<string, unknown>,
  positional: readonly unknown[] = [],
): string {
  let next = 0;
  return template.replace(/\{\{|\}\}|\{([^{}]*)\}/g, (match, field: string | undefined) => {
    if (match === "{{") return "{";
    if (match === "}}") return "}";
    const name = field ?? "";
    let value: unknown;
    if (name === "") value = positional[next++];
    else if (/^\d+$/.test(name)) value = positional[Number(name)];
    else value = values[name];
    if (value === undefined) throw new TypeError(`Template field "{${name}}" has no value`);
    return typeof value === "string" ? value : JSON.stringify(value);
  });
}
