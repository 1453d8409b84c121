import assert from "node:assert/strict";
import { isRetryableStatus, retryAfterMs, retryDelayMs } from "../../backends/retry_policy.ts";

Deno.test("isRetryableStatus() retries rate limits and server errors, not quota or bad requests", () => {
  assert.equal(isRetryableStatus(429, "rate_limit_exceeded"), true);
  assert.equal(isRetryableStatus(429, "insufficient_quota"), false);
  for (const status of [408, 409, 500, 502, 503, 504]) {
    assert.equal(isRetryableStatus(status, null), true);
  }
  for (const status of [400, 401, 403, 404, 422]) {
    assert.equal(isRetryableStatus(status, null), false);
  }
  assert.equal(isRetryableStatus(500, null, new Headers({ "x-should-retry": "false" })), false);
  assert.equal(isRetryableStatus(400, null, new Headers({ "x-should-retry": "true" })), true);
});

Deno.test("retryAfterMs() reads milliseconds, seconds and HTTP dates", () => {
  const now = Date.parse("2026-01-01T00:00:00Z");
  assert.equal(retryAfterMs(new Headers({ "retry-after-ms": "250" }), now), 250);
  assert.equal(retryAfterMs(new Headers({ "retry-after": "3" }), now), 3000);
  assert.equal(
    retryAfterMs(new Headers({ "retry-after": "Thu, 01 Jan 2026 00:00:05 GMT" }), now),
    5000,
  );
  assert.equal(retryAfterMs(new Headers({ "retry-after": "soon" }), now), null);
  assert.equal(retryAfterMs(new Headers(), now), null);
});

Deno.test("retryDelayMs() honours Retry-After and otherwise backs off exponentially with jitter", () => {
  const options = { baseDelayMs: 500, maxDelayMs: 8000, maxRetryAfterMs: 60_000 };
  assert.equal(retryDelayMs(0, new Headers({ "retry-after": "2" }), options), 2000);
  const low = { ...options, random: () => 0 };
  const high = { ...options, random: () => 0.999999 };
  assert.equal(retryDelayMs(0, null, low), 250);
  assert.ok(Math.abs(retryDelayMs(2, null, high) - 2000) < 0.01);
  assert.equal(retryDelayMs(10, null, low), 4000, "capped at maxDelayMs before jitter");
  assert.equal(
    retryDelayMs(0, new Headers({ "retry-after": "3600" }), low),
    250,
    "an hour-long hint falls back to the exponential step",
  );
  assert.equal(retryDelayMs(0, new Headers({ "retry-after": "0" }), low), 250);
});
