import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

/** Debian's chromium (scripts/ensure-system-deps.sh --browser installs it). */
export const CHROMIUM = '/usr/bin/chromium';
const ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Where the browser tests leave their screenshots (git-ignored). */
export const SCREENSHOT_DIR = join(process.cwd(), 'test-output', 'screenshots');

/** A headless Chromium with a fresh profile; `close()` removes the profile. */
export interface TestBrowser {
  context: BrowserContext;
  page: Page;
  /** A fresh page with no cookies (a new visitor). */
  freshPage(): Promise<Page>;
  close(): Promise<void>;
}

/**
 * Starts Chromium. A machine without it fails the test here (never a skip): the console's tests are
 * part of `npm test`, and a browser that cannot start is a broken test machine.
 */
export async function startBrowser(): Promise<TestBrowser> {
  const profile = mkdtempSync(join(tmpdir(), 'govcert-chromium-'));
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: ARGS,
      viewport: { width: 1100, height: 900 },
      locale: 'en-GB',
      timezoneId: 'Asia/Hong_Kong',
    });
  } catch (err) {
    rmSync(profile, { recursive: true, force: true });
    throw new Error(`Chromium could not start from ${CHROMIUM}: ${(err as Error).message}`, { cause: err });
  }
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    page,
    freshPage: async () => {
      await context.clearCookies();
      for (const open of context.pages()) await open.close();
      return context.newPage();
    },
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: Array<{ target: unknown[] }>;
}

/**
 * Runs axe-core (WCAG 2.x A and AA rules) on the page as it stands and fails on any serious or
 * critical violation, naming each. Injected through the DevTools protocol, which the page's CSP does
 * not govern, so the page under test keeps its real policy.
 */
export async function expectAccessible(page: Page): Promise<void> {
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const axe = (
      globalThis as unknown as {
        axe: { run(context: unknown, options: unknown): Promise<{ violations: unknown[] }> };
      }
    ).axe;
    const result = await axe.run((globalThis as unknown as { document: unknown }).document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
    });
    return result.violations;
  });
  const serious = (violations as AxeViolation[])
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map(
      (v) => `${v.id} (${String(v.impact)}): ${v.help} at ${JSON.stringify(v.nodes.map((n) => n.target))}`,
    );
  expect(serious, `accessibility violations on ${page.url()}`).to.deep.equal([]);
}
