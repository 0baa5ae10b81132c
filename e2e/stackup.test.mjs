// End-to-end test: starts the real `stackdex serve --demo` binary on a fresh
// SQLite data folder and drives Debian's headless Chromium through the
// "Django vs Rust" stackup page with playwright-core.
//
// Run from the repository root with `node --test e2e/` (or `bash e2e/run.sh`,
// which installs Chromium and the npm packages when missing).
//
// Environment:
//   STACKDEX_BIN              the binary (default target/debug/stackdex, relative to the repo root)
//   CHROMIUM_PATH             the browser (default /usr/bin/chromium; never downloaded)
//   STACKDEX_E2E_START_TIMEOUT_MS  how long the first start (demo build) may take (default 1200000)
//   STACKDEX_E2E_URL          test a demo server already running there instead of starting one
//   STACKDEX_E2E_ARTIFACTS    where the screenshot goes (default e2e/artifacts)

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, chromiumPath, repoRoot, startServer } from './server.mjs';

const artifacts = path.resolve(repoRoot, process.env.STACKDEX_E2E_ARTIFACTS || 'e2e/artifacts');
const startTimeoutMs = Number(process.env.STACKDEX_E2E_START_TIMEOUT_MS || 1_200_000);


// The seed page's figures, as displayed.
const EXPECTED_STATS = {
  django: { stacks: '38.7K', followers: '34.8K', votes: '4.2K', stars: '85.6K', forks: '33.2K' },
  rust: { stacks: '6.1K', followers: '5.0K', votes: '1.2K', stars: '107.6K', forks: '13.9K' },
};
const EXPECTED_FIRST_PRO = {
  django: { text: 'Rapid development', votes: 678 },
  rust: { text: 'Guaranteed memory safety', votes: 146 },
};
const TABS = ['decisions', 'comparison', 'alternatives', 'overview'];
const EXPECTED_404 = '/tools/djnago';

/** @type {{ url: string, stop: () => Promise<void> } | undefined} */
let server;
let baseUrl = '';
const tempDirs = [];
/** @type {import('playwright-core').BrowserContext | undefined} */
let context;
/** @type {import('playwright-core').Page | undefined} */
let page;
const consoleErrors = [];
const externalRequests = [];
let localRequests = 0;

/** Whether the element's box overlaps the viewport (at least its top edge is visible). */
async function inViewport(selector) {
  return page.evaluate((sel) => {
    const el = document.querySelector(sel);
    if (!el) return false;
    const r = el.getBoundingClientRect();
    return r.top < window.innerHeight && r.bottom > 0 && r.top >= -1;
  }, selector);
}

describe('stackup page in headless Chromium', () => {
  before(async () => {
    assert.ok(existsSync(chromiumPath), `Chromium not found at ${chromiumPath} (apt-get install -y chromium)`);
    const profileDir = await mkdtemp(path.join(os.tmpdir(), 'stackdex-e2e-profile-'));
    tempDirs.push(profileDir);
    if (process.env.STACKDEX_E2E_URL) {
      baseUrl = process.env.STACKDEX_E2E_URL.replace(/\/+$/, '');
    } else {
      server = await startServer(['--demo'], {}, startTimeoutMs);
      baseUrl = server.url;
    }

    // launchPersistentContext takes the fresh profile folder (Playwright refuses
    // --user-data-dir in args); the flags are the ones the brief asks for.
    context = await chromium.launchPersistentContext(profileDir, {
      executablePath: chromiumPath,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 1280, height: 800 },
      timeout: 60_000,
    });
    context.setDefaultTimeout(30_000);
    // Record, and refuse, every request to a host other than the server.
    await context.route('**/*', (route) => {
      const url = new URL(route.request().url());
      if ((url.protocol === 'http:' || url.protocol === 'https:' || url.protocol === 'ws:' || url.protocol === 'wss:')
        && url.hostname !== '127.0.0.1') {
        externalRequests.push(route.request().url());
        return route.abort();
      }
      if (url.hostname === '127.0.0.1') localRequests += 1;
      return route.continue();
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.on('console', (msg) => {
      if (msg.type() !== 'error') return;
      const where = msg.location().url || page.url();
      // The deliberate 404 navigation below logs "Failed to load resource: ... 404"; that one is expected.
      if (new URL(where, baseUrl).pathname === EXPECTED_404 && /\b404\b/.test(msg.text())) return;
      consoleErrors.push(`${msg.text()} (${where})`);
    });
    page.on('pageerror', (err) => consoleErrors.push(`uncaught: ${err.message}`));
  });

  after(async () => {
    try {
      if (context) await context.close();
    } finally {
      await server?.stop();
      for (const dir of tempDirs) await rm(dir, { recursive: true, force: true });
    }
  });

  test('opens /stackups/django-vs-rust with the seed title', async () => {
    const res = await page.goto(`${baseUrl}/stackups/django-vs-rust`, { waitUntil: 'load' });
    assert.equal(res.status(), 200);
    const title = await page.title();
    assert.ok(title.startsWith('Django vs Rust'), `title was ${JSON.stringify(title)}`);
    assert.equal((await page.locator('h1').first().innerText()).trim(), 'Django vs Rust');
  });

  test('overview cards show the seed figures', async () => {
    const shown = {};
    for (const [tool, stats] of Object.entries(EXPECTED_STATS)) {
      const card = page.locator(`.overview-card[data-tool="${tool}"]`);
      assert.equal(await card.count(), 1, `one overview card for ${tool}`);
      shown[tool] = {};
      for (const stat of Object.keys(stats)) {
        shown[tool][stat] = (await card.locator(`dd[data-stat="${stat}"]`).innerText()).trim();
      }
    }
    assert.deepEqual(shown, EXPECTED_STATS);
  });

  test('each tab jumps to its section', async () => {
    for (const id of TABS) {
      await page.locator(`a.tab[href="#${id}"]`).click();
      await page.waitForFunction((h) => window.location.hash === h, `#${id}`);
      assert.equal(new URL(page.url()).hash, `#${id}`);
      // Smooth scrolling may take a moment: poll until the section is on screen.
      const deadline = Date.now() + 5000;
      let visible = false;
      while (!(visible = await inViewport(`#${id}`)) && Date.now() < deadline) {
        await page.waitForTimeout(100);
      }
      assert.ok(visible, `#${id} is in the viewport after clicking its tab`);
    }
  });

  test('pros are ranked with the seed votes first', async () => {
    for (const [tool, want] of Object.entries(EXPECTED_FIRST_PRO)) {
      const first = page.locator(`.compare[data-tool="${tool}"] ul.pros > li`).first();
      const count = (await first.locator('.count').innerText()).trim();
      const full = (await first.innerText()).trim();
      const text = full.replace(count, '').trim();
      assert.equal(text, want.text, `${tool}: first pro`);
      assert.equal(Number(count), want.votes, `${tool}: votes on the first pro`);
    }
  });

  test('saves a full-page screenshot', async () => {
    await page.evaluate(() => window.scrollTo(0, 0));
    await mkdir(artifacts, { recursive: true });
    const file = path.join(artifacts, 'stackup.png');
    await page.screenshot({ path: file, fullPage: true });
    assert.ok(existsSync(file));
  });

  test('non-canonical order redirects (301) to the canonical URL', async () => {
    const res = await page.goto(`${baseUrl}/stackups/rust-vs-django`);
    assert.equal(res.status(), 200);
    assert.equal(new URL(page.url()).pathname, '/stackups/django-vs-rust');
    assert.equal((await page.locator('h1').first().innerText()).trim(), 'Django vs Rust');
    const hop = res.request().redirectedFrom();
    assert.ok(hop, 'the browser went through a redirect');
    assert.equal((await hop.response()).status(), 301, 'status of the redirect the browser followed');

    const raw = await fetch(`${baseUrl}/stackups/rust-vs-django`, { redirect: 'manual' });
    assert.equal(raw.status, 301);
    assert.equal(new URL(raw.headers.get('location'), baseUrl).pathname, '/stackups/django-vs-rust');
  });

  test('unknown tool gives a 404 page that suggests Django', async () => {
    const res = await page.goto(`${baseUrl}${EXPECTED_404}`);
    assert.equal(res.status(), 404);
    await page.getByText('Did you mean', { exact: false }).first().waitFor();
    const django = page.locator('a[href="/tools/django"]', { hasText: 'Django' });
    assert.ok((await django.count()) >= 1, 'a link to Django among the suggestions');
  });

  test('no JavaScript console errors and no external requests', () => {
    assert.ok(localRequests > 0, 'requests were observed');
    assert.deepEqual(consoleErrors, [], 'console errors');
    assert.deepEqual(externalRequests, [], 'requests to hosts other than 127.0.0.1');
  });
});
