/**
 * The HTTP/1.1 client against raw sockets that answer byte by byte as
 * scripted: every body framing, answers cut anywhere, 1xx heads, pooled
 * connections the server closed, aborts.
 */
import assert from "node:assert/strict";
import { Http1Client, Http1ConnectError, type Http1Response } from "../../backends/http1_client.ts";
import { chooseTransport, readText } from "../../backends/transport.ts";
import { closedPort } from "./backend_conformance.ts";

const encoder = new TextEncoder();

/** What a scripted server does with one request on a connection; false closes it. */
type Answer = (conn: Deno.Conn, request: string, connection: number) => Promise<boolean>;

/** A raw server on 127.0.0.1 running `answer` for every request of every connection. */
async function withRawServer(
  answer: Answer,
  run: (url: URL, stats: { connections: number; requests: string[] }) => Promise<void>,
): Promise<void> {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const stats = { connections: 0, requests: [] as string[] };
  const open = new Set<Deno.Conn>();
  const serving = (async () => {
    for await (const conn of listener) {
      const number = ++stats.connections;
      open.add(conn);
      (async () => {
        try {
          for (;;) {
            const request = await readRequest(conn);
            if (request === null) break;
            stats.requests.push(request);
            if (!await answer(conn, request, number)) break;
          }
        } catch { /* the client went away */ }
        open.delete(conn);
        try {
          conn.close();
        } catch { /* closed */ }
      })();
    }
  })();
  try {
    await run(
      new URL(`http://127.0.0.1:${(listener.addr as Deno.NetAddr).port}/v1/chat/completions`),
      stats,
    );
  } finally {
    listener.close();
    for (const conn of open) {
      try {
        conn.close();
      } catch { /* closed */ }
    }
    await serving.catch(() => {});
  }
}

/** One request (head and content-length body), or null when the client closed. */
async function readRequest(conn: Deno.Conn): Promise<string | null> {
  let bytes = new Uint8Array(0);
  const buffer = new Uint8Array(65_536);
  for (;;) {
    const text = new TextDecoder().decode(bytes);
    const end = text.indexOf("\r\n\r\n");
    if (end >= 0) {
      const length = Number(/content-length: (\d+)/i.exec(text)?.[1] ?? 0);
      if (bytes.length - (encoder.encode(text.slice(0, end)).length + 4) >= length) return text;
    }
    const n = await conn.read(buffer);
    if (n === null) return null;
    const joined = new Uint8Array(bytes.length + n);
    joined.set(bytes);
    joined.set(buffer.subarray(0, n), bytes.length);
    bytes = joined;
  }
}

/** Writes `text` in pieces of `size` bytes, each on its own. */
async function writeInPieces(conn: Deno.Conn, text: string, size = 3): Promise<void> {
  const bytes = encoder.encode(text);
  for (let i = 0; i < bytes.length; i += size) {
    await conn.write(bytes.subarray(i, i + size));
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
}

async function post(client: Http1Client, url: URL, body = "{}"): Promise<Http1Response> {
  return await client.post(
    url,
    { "content-type": "application/json" },
    encoder.encode(body),
    new AbortController().signal,
  );
}

Deno.test("Http1Client reads content-length, chunked and read-to-close bodies cut anywhere", async () => {
  const body = '{"text":"Grüße π"}';
  const bytes = encoder.encode(body).length;
  const chunked = `7;ext=1\r\n${body.slice(0, 7)}\r\n${
    encoder.encode(body.slice(7)).length.toString(16)
  }\r\n${body.slice(7)}\r\n0\r\nx-trailer: 1\r\n\r\n`;
  const answers = [
    `HTTP/1.1 200 OK\r\ncontent-length: ${bytes}\r\n\r\n${body}`,
    `HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n${chunked}`,
    `HTTP/1.0 200 OK\r\n\r\n${body}`,
  ];
  for (const [i, text] of answers.entries()) {
    await withRawServer(async (conn) => {
      await writeInPieces(conn, text);
      return i < 2;
    }, async (url, stats) => {
      const client = new Http1Client();
      try {
        for (let round = 0; round < 2; round++) {
          const response = await post(client, url);
          assert.equal(response.status, 200);
          assert.equal(await readText(response), body, `answer ${i}`);
        }
        assert.equal(
          stats.connections,
          i < 2 ? 1 : 2,
          "kept alive unless the body ran to the close",
        );
        assert.match(stats.requests[0], /^POST \/v1\/chat\/completions HTTP\/1\.1\r\n/);
        assert.match(stats.requests[0], /\r\nhost: 127\.0\.0\.1:\d+\r\n/);
        assert.match(stats.requests[0], /\r\ncontent-length: 2\r\n\r\n\{\}$/);
      } finally {
        client.close();
      }
    });
  }
});

Deno.test("Http1Client skips 1xx heads and gives the headers of the real answer", async () => {
  await withRawServer(async (conn) => {
    await writeInPieces(
      conn,
      "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nlink: </x>\r\n\r\n" +
        "HTTP/1.1 429 Too Many Requests\r\nRetry-After: 7\r\ncontent-length: 2\r\n\r\n{}",
      11,
    );
    return true;
  }, async (url) => {
    const client = new Http1Client();
    try {
      const response = await post(client, url);
      assert.equal(response.status, 429);
      assert.equal(response.headers().get("retry-after"), "7");
      assert.equal(await readText(response), "{}");
    } finally {
      client.close();
    }
  });
});

Deno.test("Http1Client sends again on a new connection when a pooled one was closed by the server", async () => {
  await withRawServer(async (conn, _request, connection) => {
    await conn.write(encoder.encode(`HTTP/1.1 200 OK\r\ncontent-length: 1\r\n\r\n${connection}`));
    return false; // closes after each answer, without saying so
  }, async (url, stats) => {
    const client = new Http1Client();
    try {
      for (let i = 1; i <= 3; i++) {
        const response = await post(client, url);
        assert.equal(await readText(response), String(stats.connections));
        await new Promise((resolve) => setTimeout(resolve, 20)); // the close reaches us
      }
      assert.equal(stats.requests.length, 3, "no request is answered twice");
    } finally {
      client.close();
    }
  });
});

Deno.test("Http1Client fails an answer cut short, and a refused connection as such", async () => {
  const cut = [
    "HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\nonly this",
    "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n5\r\nab",
    "HTTP/1.1 200 OK\r\ncontent-le",
  ];
  for (const text of cut) {
    await withRawServer(async (conn) => {
      await conn.write(encoder.encode(text));
      return false;
    }, async (url) => {
      const client = new Http1Client();
      try {
        await assert.rejects(
          async () => await readText(await post(client, url)),
          (error: unknown) => {
            assert.ok(error instanceof Error);
            assert.ok(!(error instanceof Http1ConnectError) || text.endsWith("content-le"), text);
            return true;
          },
        );
      } finally {
        client.close();
      }
    });
  }
  const client = new Http1Client();
  await assert.rejects(
    post(client, new URL(`http://127.0.0.1:${closedPort()}/v1/chat/completions`)),
    Http1ConnectError,
  );
  client.close();
});

Deno.test("Http1Client stops waiting when the signal aborts, before and during the answer", async () => {
  await withRawServer(async (conn) => {
    await conn.write(encoder.encode("HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\nstart"));
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    return false;
  }, async (url) => {
    const client = new Http1Client();
    try {
      const controller = new AbortController();
      const response = await client.post(url, {}, encoder.encode("{}"), controller.signal);
      assert.equal(new TextDecoder().decode((await response.read())!), "start");
      setTimeout(() => controller.abort(new Error("stop")), 20);
      const started = performance.now();
      await assert.rejects(response.read());
      assert.ok(performance.now() - started < 1_500, "did not wait for the server");
      await assert.rejects(
        client.post(url, {}, encoder.encode("{}"), AbortSignal.abort(new Error("gone"))),
        /gone/,
      );
    } finally {
      client.close();
    }
  });
});

Deno.test("chooseTransport keeps fetch for https, a proxy or a passed-in fetch", async () => {
  let fetched = 0;
  const counting: typeof fetch = (input, init) => {
    fetched++;
    return fetch(input, init);
  };
  await withRawServer(async (conn) => {
    await conn.write(encoder.encode("HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n{}"));
    return true;
  }, async (url) => {
    for (const options of [{ fetch: counting }, { proxy: true }, {}]) {
      const transport = chooseTransport([url.origin + "/v1"], options);
      const response = await transport.post(url.href, "{}", {}, new AbortController().signal);
      assert.equal(await readText(response), "{}");
      transport.close();
    }
  });
  assert.equal(fetched, 1);
  const https = chooseTransport(["https://api.openai.com/v1"], { fetch: counting });
  https.close();
});
