// A 413 and a keep-alive client over real HTTP (node:http Agent with keepAlive, one socket): after an
// oversized request, sized or chunked, the 413 says `Connection: close` and the next request on the same agent succeeds.
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/server';

const JSON_LIMIT = 4096;

let server: TestServer;
let agent: http.Agent;
beforeAll(async () => {
  server = await startTestServer({ config: { jsonLimitBytes: JSON_LIMIT } });
  agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
});
afterAll(async () => {
  agent.destroy();
  await server.close();
});

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** One request on the shared agent; `body` is written whole (Content-Length) or in chunks (chunked). */
function request(method: string, path: string, body?: { bytes: Buffer; chunked: boolean }): Promise<Answer> {
  const url = new URL(path, server.baseUrl);
  const headers: http.OutgoingHttpHeaders = { Authorization: `Bearer ${server.adminKey}` };
  if (body) {
    headers['Content-Type'] = 'application/json';
    if (!body.chunked) headers['Content-Length'] = body.bytes.byteLength;
  }
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, agent, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: text }));
      res.on('error', reject);
    });
    // Writing may fail once the server has answered and closed: the answer, not the write, is what counts.
    req.on('error', reject);
    if (body) {
      const chunk = 16 * 1024;
      for (let at = 0; at < body.bytes.byteLength; at += chunk) req.write(body.bytes.subarray(at, at + chunk));
    }
    req.end();
  });
}

const oversized = () => Buffer.from(JSON.stringify({ name: 'big', task: 'x'.repeat(1024 * 1024) }));

describe('413 on a keep-alive connection', () => {
  for (const chunked of [false, true]) {
    it(`leaves the agent usable after an oversized ${chunked ? 'chunked' : 'sized'} body`, async () => {
      const refused = await request('POST', '/v1/models', { bytes: oversized(), chunked });
      expect(refused.status).toBe(413);
      expect(JSON.parse(refused.body)).toMatchObject({ type: 'https://distillery.dev/problems/payload-too-large' });
      // What the spec promises: the rest of the body is not read, so the server says the connection ends.
      expect(refused.headers.connection).toBe('close');
      const next = await request('GET', '/v1/models');
      expect(next.status).toBe(200);
      expect(JSON.parse(next.body)).toMatchObject({ total: 0 });
    });
  }
});
