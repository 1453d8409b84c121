import assert from "node:assert/strict";
import { EndpointPool } from "../../backends/endpoint_pool.ts";

Deno.test("EndpointPool.acquire() picks the server with the fewest outstanding requests", () => {
  const pool = new EndpointPool(["a", "b", "c"]);
  const picks = Array.from({ length: 6 }, () => pool.acquire().url);
  assert.deepEqual([...picks].sort(), ["a", "a", "b", "b", "c", "c"]);
  const a = pool.endpoints[0];
  pool.release(a);
  pool.release(a);
  assert.equal(pool.acquire().url, "a");
});

Deno.test("EndpointPool.acquire() rotates with round_robin whatever the load", () => {
  const pool = new EndpointPool(["a", "b"], { strategy: "round_robin" });
  assert.deepEqual(Array.from({ length: 4 }, () => pool.acquire().url), ["a", "b", "a", "b"]);
});

Deno.test("EndpointPool.markDown() sets a server aside for a growing cooldown", () => {
  let now = 0;
  const pool = new EndpointPool(["a", "b"], {
    cooldownMs: 100,
    maxCooldownMs: 250,
    now: () => now,
  });
  const [a] = pool.endpoints;
  pool.markDown(a);
  assert.deepEqual(Array.from({ length: 3 }, () => pool.acquire().url), ["b", "b", "b"]);
  now = 100;
  pool.markDown(a);
  assert.equal(a.downUntil, 300, "second failure doubles the cooldown");
  pool.markDown(a);
  assert.equal(a.downUntil, 350, "cooldown is capped");
  now = 349;
  assert.equal(pool.hasUpEndpointBesides(new Set(["b"])), false);
  now = 350;
  assert.equal(pool.hasUpEndpointBesides(new Set(["b"])), true);
  pool.markUp(a);
  assert.equal(a.failures, 0);
});

Deno.test("EndpointPool.acquire() avoids servers that just failed and probes when all are down", () => {
  let now = 0;
  const pool = new EndpointPool(["a", "b"], { cooldownMs: 1000, now: () => now });
  assert.equal(pool.acquire(new Set(["a"])).url, "b");
  const [a, b] = pool.endpoints;
  pool.markDown(b);
  now = 10;
  pool.markDown(a);
  assert.equal(pool.acquire().url, "b", "the one due back first");
  assert.throws(() => new EndpointPool([]), RangeError);
});
