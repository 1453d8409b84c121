/**
 * Spreads requests over several servers of the same model. A server that
 * refuses connections is marked down for a cooldown that doubles with each
 * failure in a row (up to a cap) and is tried again after it; a success
 * clears it. When every server is down, the one due back first is tried.
 *
 * @module
 */

/** How to choose among healthy servers. */
export type RoutingStrategy = "least_outstanding" | "round_robin";

/** One server and what the pool knows about it. */
export interface Endpoint {
  readonly url: string;
  /** Requests sent to it and not yet answered. */
  outstanding: number;
  /** Connection failures in a row. */
  failures: number;
  /** Epoch ms before which it counts as down. */
  downUntil: number;
}

/** Pool settings. */
export interface EndpointPoolOptions {
  strategy?: RoutingStrategy;
  /** First cooldown after a connection failure, ms. */
  cooldownMs?: number;
  /** Longest cooldown, ms. */
  maxCooldownMs?: number;
  now?: () => number;
}

/** A set of interchangeable servers with least-outstanding or round-robin routing. */
export class EndpointPool {
  readonly endpoints: readonly Endpoint[];
  #strategy: RoutingStrategy;
  #cooldownMs: number;
  #maxCooldownMs: number;
  #now: () => number;
  #cursor = 0;

  /** Makes a pool of `urls` (at least one). */
  constructor(urls: readonly string[], options: EndpointPoolOptions = {}) {
    if (urls.length === 0) throw new RangeError("Cannot make an endpoint pool: no base URL given");
    this.endpoints = urls.map((url) => ({ url, outstanding: 0, failures: 0, downUntil: 0 }));
    this.#strategy = options.strategy ?? "least_outstanding";
    this.#cooldownMs = options.cooldownMs ?? 1_000;
    this.#maxCooldownMs = options.maxCooldownMs ?? 30_000;
    this.#now = options.now ?? Date.now;
  }

  /**
   * Picks a server and counts a request on it; call {@linkcode release}
   * when the request ends. Servers in `avoid` are skipped unless nothing
   * else is up.
   */
  acquire(avoid: ReadonlySet<string> = new Set()): Endpoint {
    const now = this.#now();
    const up = this.endpoints.filter((e) => e.downUntil <= now);
    const preferred = up.filter((e) => !avoid.has(e.url));
    const candidates = preferred.length > 0 ? preferred : up;
    const chosen = candidates.length > 0
      ? this.#choose(candidates)
      : this.endpoints.reduce((a, b) => (b.downUntil < a.downUntil ? b : a));
    chosen.outstanding += 1;
    return chosen;
  }

  /** Ends a request counted by {@linkcode acquire}. */
  release(endpoint: Endpoint): void {
    endpoint.outstanding = Math.max(0, endpoint.outstanding - 1);
  }

  /** Records a connection failure: the server is down for a growing cooldown. */
  markDown(endpoint: Endpoint): void {
    endpoint.failures += 1;
    const cooldown = Math.min(this.#cooldownMs * 2 ** (endpoint.failures - 1), this.#maxCooldownMs);
    endpoint.downUntil = this.#now() + cooldown;
  }

  /** Records that the server answered. */
  markUp(endpoint: Endpoint): void {
    endpoint.failures = 0;
    endpoint.downUntil = 0;
  }

  /** Whether at least one server other than those in `avoid` is up now. */
  hasUpEndpointBesides(avoid: ReadonlySet<string>): boolean {
    const now = this.#now();
    return this.endpoints.some((e) => e.downUntil <= now && !avoid.has(e.url));
  }

  #choose(candidates: Endpoint[]): Endpoint {
    const start = this.#cursor++;
    const rotated = candidates.map((_, i) => candidates[(start + i) % candidates.length]);
    if (this.#strategy === "round_robin") return rotated[0];
    return rotated.reduce((a, b) => (b.outstanding < a.outstanding ? b : a));
  }
}
