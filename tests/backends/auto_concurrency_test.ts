import assert from "node:assert/strict";
import { AutoConcurrency } from "../../backends/auto_concurrency.ts";

/**
 * Feeds the controller what a server with `capacity` slots does: below it
 * every request takes `baseMs`; beyond it requests queue, so latency grows
 * with the level and throughput stays flat. Returns the levels it chose.
 */
function simulate(auto: AutoConcurrency, clock: { now: number }, capacity: number): number[] {
  const baseMs = 100;
  const levels: number[] = [];
  for (let round = 0; round < 40 && !auto.settled; round++) {
    const level = auto.level;
    levels.push(level);
    const latency = baseMs * Math.max(1, level / capacity);
    const count = Math.max(16, 2 * level);
    clock.now += latency * Math.ceil(count / level);
    for (let i = 0; i < count; i++) auto.record(latency, "ok", 100);
  }
  return levels;
}

Deno.test("AutoConcurrency doubles while throughput rises, then settles near the capacity", () => {
  for (const capacity of [5, 24, 100, 300]) {
    const clock = { now: 0 };
    const auto = new AutoConcurrency({ now: () => clock.now });
    const levels = simulate(auto, clock, capacity);
    assert.ok(auto.settled, `settled for ${capacity}: ${levels}`);
    assert.ok(
      // Within an eighth below, or as far above as the 1.25x latency tolerance lets it go.
      auto.level >= Math.floor(capacity * 7 / 8) - 1 && auto.level <= Math.ceil(capacity * 1.25),
      `level ${auto.level} for capacity ${capacity} (${levels})`,
    );
  }
});

Deno.test("AutoConcurrency halves on a 429 or 503 and stays there", () => {
  const clock = { now: 0 };
  const auto = new AutoConcurrency({ start: 64, now: () => clock.now });
  assert.equal(auto.record(50, "overload", 1), 32);
  assert.ok(auto.settled);
  clock.now += 1000;
  for (let i = 0; i < 100; i++) auto.record(10, "ok", 100);
  assert.equal(auto.level, 32);
});

Deno.test("AutoConcurrency stops at its ceiling", () => {
  const clock = { now: 0 };
  const auto = new AutoConcurrency({ max: 40, now: () => clock.now });
  simulate(auto, clock, 1000);
  assert.equal(auto.level, 40);
});
