// The page document: one self-contained response with both charts, its style and script inline,
// and the payload embedded so that no value can close the script element it sits in.
import test from 'ava';
import { loadPageParts, renderPage } from '../../../../actors/observe/status/page-document.ts';
import {
  isPrivateAddress,
  checkStatusAddress,
} from '../../../../actors/observe/status/private-address.ts';
import { UsageError } from '../../../../errors.ts';

test('the page inlines both charts, the script, and an inert payload', async (t) => {
  const parts = await loadPageParts();
  const hostile = '</script><script>alert(1)</script><!--';
  const html = renderPage(parts, { now: 1, control: false, view: { note: hostile } });
  t.is(html.match(/<svg /g)?.length, 2);
  t.notRegex(html, /<!--(style|data|script|arbiter-chart|worker-chart)-->/, 'every marker filled');
  t.false(html.includes(hostile), 'the payload cannot end its script element');
  const embedded = /<script type="application\/json" id="initial-payload">(.*?)<\/script>/s.exec(
    html,
  );
  t.is(
    JSON.parse(embedded?.[1] ?? '{}').view.note,
    hostile,
    'yet it parses back to the same value',
  );
  t.regex(html, /id="state-descriptions">[^<]*serving\.watching/);
});

test('only loopback and unix sockets are private', (t) => {
  for (const address of [
    '127.0.0.1:9000',
    '127.8.9.1:1',
    '[::1]:9000',
    'localhost:9000',
    'unix:/tmp/s',
  ]) {
    t.true(isPrivateAddress(address), address);
  }
  for (const address of ['0.0.0.0:9000', '[::]:9000', '10.1.2.3:80', 'example.com:80', ':9000']) {
    t.false(isPrivateAddress(address), address);
  }
  const error = t.throws(() => checkStatusAddress('0.0.0.0:9000', false), {
    instanceOf: UsageError,
  });
  t.regex(error?.message ?? '', /--status-allow-remote/);
  t.notThrows(() => checkStatusAddress('0.0.0.0:9000', true));
});
