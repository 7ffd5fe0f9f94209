// A fetch-style app served by Node's http server: method, URL, headers and body reach the app,
// and status, status text, headers (each Set-Cookie separately) and a streamed body come back.
import test from 'ava';
import http from 'node:http';
import type { FetchApp } from '../../workers/app/fetch-adapter.ts';
import { fetchToListener } from '../../workers/app/fetch-adapter.ts';
import { guardListener } from '../../workers/requests/guard-listener.ts';
import { get } from '../helpers/http-client.ts';
import { serveInProcess } from '../helpers/serve-in-process.ts';

const fixtureUrl = new URL('../fixtures/apps/fetch-app.mjs', import.meta.url).href;
const app = ((await import(fixtureUrl)) as { default: FetchApp }).default;

test('the request goes in and the response comes out whole', async (t) => {
  const port = await serveInProcess(t, fetchToListener(app));
  const response = await get(port, '/echo?x=1', {
    method: 'POST',
    headers: { 'x-test': 'seen' },
    body: 'request body',
  });
  t.is(response.status, 201);
  t.is(response.body, 'POST /echo?x=1 request body');
  t.is(response.headers['x-seen-header'], 'seen');
  t.is(response.headers['content-type'], 'text/plain');
  t.deepEqual(response.headers['set-cookie'], ['a=1; Path=/', 'b=2; Path=/']);
});

test('the status text is kept', async (t) => {
  const port = await serveInProcess(t, fetchToListener(app));
  const message = await new Promise<string | undefined>((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path: '/echo', agent: false }, (res) => {
        res.resume();
        resolve(res.statusMessage);
      })
      .on('error', reject);
  });
  t.is(message, 'Made');
});

test('a streamed response body arrives in full', async (t) => {
  const port = await serveInProcess(t, fetchToListener(app));
  t.is((await get(port, '/stream')).body, 'one two three');
});

test('HEAD and empty responses have no body', async (t) => {
  const port = await serveInProcess(t, fetchToListener(app));
  const head = await get(port, '/', { method: 'HEAD' });
  t.is(head.status, 200);
  t.is(head.body, '');
  const empty = await get(port, '/empty');
  t.is(empty.status, 204);
  t.is(empty.body, '');
});

test('a large request body streams through', async (t) => {
  const echoLength: FetchApp = {
    fetch: async (request) => new Response(String((await request.arrayBuffer()).byteLength)),
  };
  const port = await serveInProcess(t, fetchToListener(echoLength));
  const body = 'x'.repeat(3_000_000);
  t.is((await get(port, '/', { method: 'PUT', body })).body, String(body.length));
});

test('a fetch handler that returns something else is an error: 500', async (t) => {
  const errors: unknown[] = [];
  const listener = guardListener(fetchToListener(app), (error) => errors.push(error));
  const port = await serveInProcess(t, listener);
  t.is((await get(port, '/not-a-response')).status, 500);
  t.regex(String(errors[0]), /not a Response/);
});
