import assert from "node:assert/strict";
import { Limiter } from "../../backends/limiter.ts";

Deno.test("Limiter.run() admits at most `limit` tasks and serves waiters in order", async () => {
  const limiter = new Limiter(2);
  const order: number[] = [];
  let peak = 0;
  const gates = Array.from({ length: 5 }, () => Promise.withResolvers<void>());
  const runs = gates.map((gate, i) =>
    limiter.run(async () => {
      peak = Math.max(peak, limiter.active);
      order.push(i);
      await gate.promise;
    })
  );
  await Promise.resolve();
  assert.deepEqual(order, [0, 1]);
  gates.forEach((g) => g.resolve());
  await Promise.all(runs);
  assert.deepEqual(order, [0, 1, 2, 3, 4]);
  assert.equal(peak, 2);
  assert.equal(limiter.active, 0);
});

Deno.test("Limiter.run() lets a waiter give up through its signal", async () => {
  const limiter = new Limiter(1);
  const gate = Promise.withResolvers<void>();
  const first = limiter.run(() => gate.promise);
  const controller = new AbortController();
  const waiting = limiter.run(() => Promise.resolve("never"), controller.signal);
  controller.abort(new Error("gave up"));
  await assert.rejects(waiting, /gave up/);
  gate.resolve();
  await first;
  assert.equal(await limiter.run(() => Promise.resolve("next")), "next");
  assert.throws(() => new Limiter(0), RangeError);
});
