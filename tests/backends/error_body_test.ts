import assert from "node:assert/strict";
import { decodeErrorBody } from "../../backends/error_body.ts";

Deno.test("decodeErrorBody() reads every error shape servers send", () => {
  assert.deepEqual(
    decodeErrorBody(
      '{"error":{"message":"You exceeded your current quota.","type":"insufficient_quota","param":null,"code":"insufficient_quota"}}',
    ),
    { message: "You exceeded your current quota.", code: "insufficient_quota" },
  );
  assert.deepEqual(
    decodeErrorBody(
      '{"object":"error","message":"max context\\n4096","type":"BadRequestError","param":null,"code":400}',
    ),
    { message: "max context 4096", code: "BadRequestError" },
  );
  assert.deepEqual(
    decodeErrorBody('{"error":{"message":"x","type":"BadRequestError","code":400}}'),
    {
      message: "x",
      code: "BadRequestError",
    },
  );
  assert.deepEqual(decodeErrorBody('{"error":"Unauthorized"}'), {
    message: "Unauthorized",
    code: null,
  });
  assert.deepEqual(decodeErrorBody('{"detail":"Not Found"}'), { message: "Not Found", code: null });
  assert.deepEqual(decodeErrorBody("Request server side timeout\n"), {
    message: "Request server side timeout",
    code: null,
  });
  assert.deepEqual(decodeErrorBody(""), { message: "(no body)", code: null });
  assert.ok(decodeErrorBody("x".repeat(2000)).message.length <= 503);
});
