/**
 * Headless Chromium for page specs: Debian's build (/usr/bin/chromium, installed by .ci/run),
 * driven by playwright-core, with a fresh profile and without the background connections this
 * machine's closed network refuses. Closed in the spec's teardown.
 */
import type { ExecutionContext } from 'ava';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM_PATH = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

export async function launchChromium(t: ExecutionContext): Promise<Browser> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  t.teardown(() => browser.close());
  return browser;
}
