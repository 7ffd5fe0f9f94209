/**
 * `--status-bind` on the real CLI, in headless Chromium: the page shows the workers, follows a
 * TTIN, a button's remove and a SIGKILL live (no reload), marks the states in both statecharts,
 * and answers its JSON, event stream and control routes as documented. Then the address rules:
 * a remote address without `--status-allow-remote` is a usage error, a unix socket works.
 */
import test from 'ava';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { launchChromium } from '../helpers/chromium.ts';
import {
  DEADLINE_MS,
  app,
  eventually,
  get,
  isAlive,
  startCorral,
  type CorralProcess,
} from './corral-process.ts';

const statusPort = async (corral: CorralProcess) =>
  Number((await corral.waitFor(/Status page at: http:\/\/127\.0\.0\.1:(\d+)\//))[1]);

const rowCount = (page: Page) => page.locator('#workers tbody tr').count();

const rowOf = (page: Page, key: string) => page.locator(`#workers tbody tr[data-worker="${key}"]`);

async function cellsOf(page: Page, key: string): Promise<string[]> {
  return rowOf(page, key).locator('td').allTextContents();
}

/** The worker ids in the page's table, in table order. */
const keysOnPage = (page: Page) =>
  page.$$eval('#workers tbody tr', (rows) =>
    rows.map((row) => row.getAttribute('data-worker') ?? ''),
  );

const hasClass = async (page: Page, id: string, name: string) =>
  ((await page.locator(`[id="${id}"]`).getAttribute('class')) ?? '').split(' ').includes(name);

test.serial('the page follows TTIN, a remove button and a SIGKILL live', async (t) => {
  t.timeout(180_000);
  const corral = startCorral(t, [
    app('pid-app.mjs'),
    ...['-w', '2', '-b', '127.0.0.1:0', '--status-bind', '127.0.0.1:0', '--status-control'],
  ]);
  const port = await statusPort(corral);
  await corral.waitFor(/Ready: 2 workers serving/);
  const browser = await launchChromium(t);
  const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(error.message));
  page.on('requestfailed', (failed) => problems.push(`request failed: ${failed.url()}`));
  await page.goto(`http://127.0.0.1:${port}/`);

  const waitRows = (n: number) => eventually(async () => (await rowCount(page)) === n, `${n} rows`);
  await waitRows(2);
  await eventually(async () => (await page.textContent('#connection')) === 'live', 'live');
  await eventually(() => hasClass(page, 'arbiter:serving.running', 'active'), 'arbiter marked');
  t.false(await hasClass(page, 'arbiter:stopping', 'active'));
  await eventually(
    async () => (await page.textContent('[id="worker:serving.watching"] text')) === 'watching ×2',
    'both workers counted in serving.watching',
  );

  corral.signal('SIGTTIN');
  await waitRows(3);
  await eventually(
    async () => ((await page.textContent('#events')) ?? '').includes('Booting worker 3'),
    'the TTIN spawn among the events',
  );

  await page.click('button[data-command="remove"]');
  await eventually(
    async () => /target.*2/i.test((await page.textContent('#control-result')) ?? ''),
    'the remove button answered',
  );
  await waitRows(2);

  const [victim = ''] = await keysOnPage(page);
  const [slot, , pid] = await cellsOf(page, victim);
  process.kill(Number(pid), 'SIGKILL');
  await eventually(async () => !(await keysOnPage(page)).includes(victim), 'the victim leaves');
  await waitRows(2);
  await eventually(async () => {
    const rows = await page.$$eval('#workers tbody tr', (trs) =>
      trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent ?? '')),
    );
    const heir = rows.find((cells) => cells[0] === slot);
    return heir !== undefined && heir[8] === '1' && /SIGKILL/.test(heir[9] ?? '');
  }, 'the replacement row: restarts 1, last exit by SIGKILL');
  t.regex(
    (await page.textContent('#events')) ?? '',
    /killed with SIGKILL by something other than corral/,
  );

  const shot = process.env['STATUS_PAGE_SCREENSHOT'] ?? join(tmpDir(t), 'status-page.png');
  await page.screenshot({ path: shot, fullPage: true });
  t.true(statSync(shot).size > 10_000, 'a screenshot of the page');
  t.deepEqual(problems, [], 'the page loads nothing that fails and throws nothing');
});

test.serial('JSON, event stream and control routes; read-only by default', async (t) => {
  t.timeout(120_000);
  const corral = startCorral(t, [
    app('pid-app.mjs'),
    ...['-w', '1', '-b', '127.0.0.1:0', '--status-bind', '127.0.0.1:0'],
  ]);
  const port = await statusPort(corral);
  await corral.waitFor(/Ready: 1 workers? serving/);

  const page = await get(port, '/');
  t.is(page.status, 200);
  t.regex(page.headers.get('content-security-policy') ?? '', /default-src 'none'/);
  t.is(page.body.match(/<svg /g)?.length, 2, 'both statecharts are inlined');
  t.notRegex(page.body, /<(script|img|link)[^>]+(src|href)=/, 'nothing is loaded from elsewhere');

  const json = JSON.parse((await get(port, '/status.json')).body);
  t.is(json.control, false);
  t.is(json.view.master.state, 'serving.running.noStandby');
  t.is(json.view.workers.length, 1);

  const stream = await fetch(`http://127.0.0.1:${port}/events`);
  t.is(stream.headers.get('content-type'), 'text/event-stream; charset=utf-8');
  const first = await readUntil(stream, /event: view\ndata: (.+)\n\n/);
  t.is(JSON.parse(first[1] ?? '{}').view.workers.length, 1);

  const refused = await get(port, '/control/add', {
    method: 'POST',
    headers: { 'X-Corral-Control': '1' },
  });
  t.is(refused.status, 403);
  t.regex(refused.body, /read-only: start corral with --status-control/);
  t.is((await get(port, '/nowhere')).status, 404);
  t.is((await get(port, '/status.json', { method: 'POST' })).status, 405);
  corral.signal('SIGTERM');
  t.is((await corral.exited).code, 0, 'an open event stream does not hold the master');
});

test.serial('controls need their header; add goes through the arbiter like TTIN', async (t) => {
  t.timeout(120_000);
  const corral = startCorral(t, [
    app('pid-app.mjs'),
    ...['-w', '1', '-b', '127.0.0.1:0', '--status-bind', '127.0.0.1:0', '--status-control'],
  ]);
  const port = await statusPort(corral);
  await corral.waitFor(/Ready: 1 workers? serving/);
  const forged = await get(port, '/control/add', { method: 'POST' });
  t.is(forged.status, 403, 'a form posted from another site carries no header');
  t.regex(forged.body, /X-Corral-Control: 1/);
  const added = await get(port, '/control/add', {
    method: 'POST',
    headers: { 'X-Corral-Control': '1' },
  });
  t.is(added.status, 200);
  t.true(JSON.parse(added.body).ok);
  await corral.waitFor(/Booting worker 2 with pid/);
  t.is((await get(port, '/control/add')).status, 405);
  t.is((await get(port, '/control/stop', { method: 'POST' })).status, 404, 'stop is ctl-only');
});

test('a remote address needs --status-allow-remote: exit 2 and nothing started', async (t) => {
  t.timeout(60_000);
  const corral = startCorral(t, [
    app('pid-app.mjs'),
    ...['-w', '1', '-b', '127.0.0.1:0', '--status-bind', '0.0.0.0:0'],
  ]);
  const { code } = await corral.exited;
  t.is(code, 2);
  t.regex(
    corral.output(),
    /--status-bind 0\.0\.0\.0:0 can be reached from other hosts.*--status-allow-remote/,
  );
  t.deepEqual(corral.workerPids(), []);
});

test('on a unix socket, removed at exit', async (t) => {
  t.timeout(60_000);
  const path = join(tmpDir(t), 'status.sock');
  const corral = startCorral(t, [
    app('pid-app.mjs'),
    ...['-w', '1', '-b', '127.0.0.1:0', '--status-bind', `unix:${path}`],
  ]);
  await corral.waitFor(new RegExp(`Status page at: unix:${path}`));
  await corral.waitFor(/Ready: 1 workers? serving/);
  const body = await new Promise<string>((resolve, reject) => {
    const req = request({ socketPath: path, path: '/status.json' }, (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString()));
      res.on('end', () => resolve(text));
    });
    req.on('error', reject);
    req.end();
  });
  t.is(JSON.parse(body).view.workers.length, 1);
  corral.signal('SIGTERM');
  t.is((await corral.exited).code, 0);
  t.false(existsSync(path));
  t.false(isAlive(corral.child.pid ?? 0));
});

function tmpDir(t: { teardown(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'corral-status-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function readUntil(response: Response, pattern: RegExp): Promise<RegExpMatchArray> {
  const reader = response.body?.getReader();
  if (reader === undefined) throw new Error('no body');
  const decoder = new TextDecoder();
  let text = '';
  const deadline = Date.now() + DEADLINE_MS;
  try {
    while (Date.now() < deadline) {
      const { value, done } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
      const match = pattern.exec(text);
      if (match !== null) return match;
    }
  } finally {
    await reader.cancel();
  }
  throw new Error(`the stream never carried ${pattern}: ${text}`);
}
