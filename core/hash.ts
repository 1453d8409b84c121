/**
 * Stable hashing of plain data: keys sorted, so the same configuration gives
 * the same hash whatever the order it was built in.
 *
 * @module
 */

/** JSON with object keys sorted at every level. */
export function stableStringify(value: unknown): string {
  return JSON.stringify(
    value,
    (_key, v) =>
      v && typeof v === "object" && !Array.isArray(v)
        ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
        : v,
  );
}

/** Hex SHA-256 of text or bytes. */
export async function sha256Hex(data: string | Uint8Array): Promise<string> {
  const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
  const digest = await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** Hex SHA-256 of a value's stable JSON. */
export function hashValue(value: unknown): Promise<string> {
  return sha256Hex(stableStringify(value));
}
