// What every browser test shares: Debian's Chromium driven by playwright-core,
// a fresh context and page per test (with a screenshot and the page's HTML
// kept in e2e/test-results when the test fails), and the accessibility check.

import { mkdir, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before } from 'node:test';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
const here = dirname(fileURLToPath(import.meta.url));

/** Where failure screenshots and accessibility reports go (git-ignored). */
export const RESULTS = join(here, '..', 'test-results');

/** The server under test, started by e2e/run.sh. */
export const BASE_URL = (() => {
  const url = process.env.STOCKTAKE_URL;
  if (!url) {
    throw new Error('STOCKTAKE_URL is not set: run the browser tests with e2e/run.sh, which starts the demo server');
  }
  return url.replace(/\/$/, '');
})();

/** Debian's Chromium: the flags keep it off the network this machine has closed. */
export function launch() {
  return chromium.launch({
    executablePath: process.env.STOCKTAKE_CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
}

/**
 * The demo's sign-ins, one per role (crates/demo/src/people.rs): what
 * `stocktake demo` prints.
 */
export const PEOPLE = {
  admin: { email: 'admin@example.org', password: 'demo-admin-password', name: 'Ada Lovell' },
  officer: { email: 'officer@example.org', password: 'demo-officer-password', name: 'Priya Shah' },
  owner: { email: 'owner@example.org', password: 'demo-owner-password', name: 'Owen Marsh' },
  viewer: { email: 'viewer@example.org', password: 'demo-viewer-password', name: 'Vera Holt' },
  // The East Midlands partnership's change agents: the Chatham House group.
  goem: { email: 'goem@example.org', password: 'demo-goem-password', name: 'Gail Moss (GOEM)' },
  idea: { email: 'idea@example.org', password: 'demo-idea-password', name: 'Ian Dean (IDeA)' },
  audit: { email: 'audit@example.org', password: 'demo-audit-password', name: 'Alys Carter (Audit Commission)' },
  emriep: { email: 'emriep@example.org', password: 'demo-emriep-password', name: 'Sam Evans (EMRIEP)' },
};

/**
 * Signs in through the sign-in page as a person of `PEOPLE`, and waits for
 * the page it leads to.
 */
export async function signIn(page, who) {
  const person = PEOPLE[who];
  if (!person) throw new Error(`no demo sign-in for ${who}: use one of ${Object.keys(PEOPLE).join(', ')}`);
  await page.goto('/sign-in');
  await page.getByLabel('Email address').fill(person.email);
  await page.getByLabel('Password').fill(person.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((url) => !url.pathname.startsWith('/sign-in'));
}

/** Signed-in browser states, one per person, made once per test file. */
const signedIn = new Map();

async function storageFor(browser, who) {
  if (!signedIn.has(who)) {
    const context = await browser.newContext({ baseURL: BASE_URL, bypassCSP: true });
    try {
      const page = await context.newPage();
      await signIn(page, who);
      signedIn.set(who, await context.storageState());
    } finally {
      await context.close();
    }
  }
  return signedIn.get(who);
}

/**
 * One browser for the test file that calls this (node runs each file in its
 * own process), launched before its first test and closed after its last.
 * Returns `withPage(name, fn)`, which runs `fn(page)` in a fresh context.
 */
export function useBrowser() {
  let browser;
  before(async () => {
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
  });
  return (name, fn, options = {}) => withPage(browser, name, fn, options);
}

/**
 * Runs `fn(page)` in a new context (its own cookies and storage) at 1280x900,
 * signed in as the demo's administrator (options: `as`, another of `PEOPLE`
 * or null for nobody signed in; `viewport`; and `javaScriptEnabled: false`
 * to check a page works without its scripts).
 * Uncaught script errors on the page fail the test. On failure the page's
 * screenshot and HTML are saved as e2e/test-results/<name>.{png,html}.
 */
export async function withPage(browser, name, fn, { viewport = { width: 1280, height: 900 }, javaScriptEnabled = true, as = 'admin' } = {}) {
  if (!browser) throw new Error('the browser did not start (see the error above)');
  const storageState = as ? await storageFor(browser, as) : undefined;
  const context = await browser.newContext({
    storageState,
    baseURL: BASE_URL,
    viewport,
    javaScriptEnabled,
    locale: 'en-GB',
    timezoneId: 'Europe/London',
    // axe-core is injected as an inline script, which a strict
    // Content-Security-Policy would otherwise (rightly) block.
    bypassCSP: true,
  });
  context.setDefaultTimeout(15_000);
  context.setDefaultNavigationTimeout(20_000);
  const page = await context.newPage();
  const scriptErrors = [];
  page.on('pageerror', (error) => scriptErrors.push(`${page.url()}: ${error.message}`));
  try {
    await fn(page);
    if (scriptErrors.length > 0) {
      throw new Error(`script errors on the page:\n  ${scriptErrors.join('\n  ')}`);
    }
  } catch (error) {
    await keepEvidence(page, name).catch(() => {});
    throw error;
  } finally {
    await context.close();
  }
}

async function keepEvidence(page, name) {
  await mkdir(RESULTS, { recursive: true });
  const file = join(RESULTS, slug(name));
  await page.screenshot({ path: `${file}.png`, fullPage: true, timeout: 5_000 });
  await writeFile(`${file}.html`, `<!-- ${page.url()} -->\n${await page.content()}`);
}

function slug(name) {
  return name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
}

/** The WCAG 2.0, 2.1 and 2.2 A and AA rules. */
export const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22a', 'wcag22aa'];

const AXE_PATH = require.resolve('axe-core/axe.min.js');

/**
 * Runs axe-core on the page as it is now, against the WCAG A and AA rules.
 * Fails, listing each rule, its impact, what it asks and the elements, when
 * any violation is serious or critical. Every violation, whatever its impact,
 * is written to e2e/test-results/axe-<name>.json. Returns the violations.
 */
export async function checkAccessibility(page, name) {
  const hasAxe = await page.evaluate(() => typeof window.axe !== 'undefined');
  if (!hasAxe) {
    await page.addScriptTag({ path: AXE_PATH });
  }
  const results = await page.evaluate(
    (tags) => window.axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] }),
    WCAG_TAGS,
  );
  const violations = results.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    helpUrl: v.helpUrl,
    nodes: v.nodes.map((n) => ({ target: n.target.join(' '), html: n.html, summary: n.failureSummary })),
  }));
  await mkdir(RESULTS, { recursive: true });
  await writeFile(
    join(RESULTS, `axe-${slug(name)}.json`),
    JSON.stringify({ page: name, url: page.url(), violations }, null, 2),
  );
  const blocking = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  if (blocking.length > 0) {
    throw new Error(`${name} (${page.url()}): ${blocking.length} serious or critical accessibility problem(s):\n${describe(blocking)}`);
  }
  return violations;
}

/** A readable list: one paragraph per rule, one line per element. */
export function describe(violations) {
  return violations
    .map((v) => {
      const nodes = v.nodes.map((n) => `      at ${n.target}\n         ${n.html.slice(0, 200)}`).join('\n');
      return `  - ${v.id} [${v.impact}]: ${v.help}\n    ${v.helpUrl}\n${nodes}`;
    })
    .join('\n');
}
