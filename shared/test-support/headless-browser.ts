import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

/** Debian's Chromium, or the browser CHROMIUM_PATH names (scripts/ensure-deps.sh checks the same). */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

// No sandbox (tests run as root), and nothing that reaches beyond loopback on its own.
const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface HeadlessBrowser {
  readonly context: BrowserContext;
  /** the first page, already at the URL it was opened on */
  readonly page: Page;
  /** Closes the browser and removes its throw-away profile. */
  close(): Promise<void>;
}

/**
 * Opens `url` in headless Chromium with a fresh profile. Uncaught errors of the page's scripts are
 * pushed to `pageErrors`, so a test can assert that the page ran without one.
 */
export async function openHeadlessBrowser(
  url: string,
  options: { viewport?: { width: number; height: number }; pageErrors: string[] },
): Promise<HeadlessBrowser> {
  const userDataDir = mkdtempSync(join(tmpdir(), 'zk-cookbook-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_FLAGS,
    viewport: options.viewport ?? { width: 1280, height: 800 },
  });
  const page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(15_000);
  page.on('pageerror', (error) => options.pageErrors.push(error.message));
  await page.goto(url);
  return {
    context,
    page,
    async close() {
      await context.close();
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}
