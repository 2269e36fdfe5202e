// What the browser tests share: Debian's Chromium, driven by playwright-core, started once per
// test file on first use. Always the system's browser, never one a test tool downloads (the
// machines' network reaches no download site), with the flags these machines need.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContextOptions, type Page, type Response } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
export const PHONE = { width: 390, height: 844 };

export const chromiumMissing = !existsSync(CHROMIUM);
export const skipReason = `${CHROMIUM} not found; install Debian's Chromium (apt-get install -y chromium) to run the browser tests`;

let launched: Promise<Browser> | undefined;

/** The file's browser, started on first use (each test file runs in its own process). */
export function browser(): Promise<Browser> {
  launched ??= chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
  return launched;
}

// Registered when a test file imports this module: the browser closes after the file's tests.
after(async () => {
  await launched?.then(
    (b) => b.close(),
    () => {},
  );
});

/** Runs `fn` in a fresh browser context (no cookies), phone-sized unless `options` says otherwise, and closes it. */
export async function withPage<T>(options: BrowserContextOptions, fn: (page: Page) => Promise<T>): Promise<T> {
  const context = await (await browser()).newContext({ viewport: PHONE, ...options });
  try {
    return await fn(await context.newPage());
  } finally {
    await context.close();
  }
}

// In CI the browser tests must run: a missing Chromium fails there instead of skipping quietly.
if (chromiumMissing && process.env.CI === 'true') {
  test('Chromium is installed for the browser tests', () => {
    assert.fail(`${CHROMIUM} is missing: CI must run the browser tests. Install Chromium with: apt-get install -y chromium`);
  });
}

/** Presses a submit button and waits for the page that comes back; returns the response to the POST itself. */
export async function submit(page: Page, button: string): Promise<Response> {
  const [post] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST'),
    page.waitForEvent('load'),
    page.getByRole('button', { name: button, exact: true }).click(),
  ]);
  return post;
}

/** Follows a link by its accessible name, as a person clicks it, and waits for the next page. */
export async function follow(page: Page, name: string): Promise<void> {
  await Promise.all([page.waitForEvent('load'), page.getByRole('link', { name, exact: true }).first().click()]);
}
