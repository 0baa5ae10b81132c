// Layout and accessibility in headless Chromium: starts the real `stackdex serve --demo`
// and opens the main pages at a 1366 px window and a 390 px phone, signed out and (for the
// feed) signed in. On every page: nothing scrolls sideways
// (`document.documentElement.scrollWidth <= innerWidth`), one h1, a skip link to
// `<main id="main">` that shows when focused, the menu (on phones a <details> disclosure that
// opens without JavaScript), and axe-core finds no serious or critical violation.
//
// Run from the repository root with `bash e2e/run.sh e2e/layout.test.mjs`.
//
// Environment (as in stackup.test.mjs): STACKDEX_BIN, CHROMIUM_PATH, STACKDEX_E2E_URL,
// STACKDEX_E2E_START_TIMEOUT_MS, STACKDEX_E2E_ARTIFACTS (screenshots of each page and width,
// default e2e/artifacts/layout).

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';
import { CHROMIUM_ARGS, chromiumPath, repoRoot, startServer } from './server.mjs';

const artifacts = path.resolve(
  repoRoot,
  process.env.STACKDEX_E2E_ARTIFACTS ? path.join(process.env.STACKDEX_E2E_ARTIFACTS, 'layout') : 'e2e/artifacts/layout',
);
const startTimeoutMs = Number(process.env.STACKDEX_E2E_START_TIMEOUT_MS || 1_200_000);
const WIDTHS = [
  { name: 'desktop', width: 1366, height: 900 },
  { name: 'phone', width: 390, height: 844 },
];
const PASSWORD = 'correct horse battery staple';

/** @type {{ url: string, stop: () => Promise<void> } | undefined} */
let server;
let baseUrl = '';
let browser;
const tempDirs = [];
/** What each page and width gave, printed at the end: { "path@width": "ok" | problems }. */
const results = {};

/** The pages to open, with addresses found in the demo through the API. */
async function mainPages() {
  const api = async (p) => (await fetch(`${baseUrl}/api/v1${p}`)).json();
  const stack = (await api('/stacks')).stacks[0];
  const decision = (await api('/decisions')).decisions[0];
  const organisation = (await api('/organisations')).organisations[0];
  return [
    '/',
    '/tools/django',
    '/stackups/django-vs-rust',
    '/stackups/django-vs-flask-vs-rust',
    '/stackups/django-vs-flask-vs-rails-vs-rust',
    `/stacks/${stack.owner}/${stack.slug}`,
    `/decisions/${decision.id}`,
    `/organisations/${organisation.slug}`,
    '/search?q=postgres',
    '/tools',
    '/stackups',
    '/stacks',
    '/users',
    '/organisations',
    '/decisions',
    '/categories/application-and-data',
    '/about',
    '/privacy',
    '/login',
    '/signup',
  ];
}

/** Problems a page has at the current width: a list of strings, empty when none. */
async function problemsOf(page, width) {
  const problems = [];
  const { scrollWidth, innerWidth, h1s, main, skip } = await page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
    h1s: document.querySelectorAll('h1').length,
    main: document.querySelectorAll('main#main').length,
    skip: document.querySelector('a.skip-link')?.getAttribute('href') ?? null,
  }));
  if (scrollWidth > innerWidth) {
    // Name the widest offenders, to say what to fix.
    const wide = await page.evaluate((w) => [...document.querySelectorAll('body *')]
      .filter((el) => el.getBoundingClientRect().right > w + 1)
      .slice(0, 5)
      .map((el) => `${el.tagName.toLowerCase()}.${[...el.classList].join('.')} (right ${Math.round(el.getBoundingClientRect().right)})`), innerWidth);
    problems.push(`scrollWidth ${scrollWidth} > innerWidth ${innerWidth}: ${wide.join(', ')}`);
  }
  if (h1s !== 1) problems.push(`${h1s} h1 elements`);
  if (main !== 1) problems.push('no <main id="main">');
  if (skip !== '#main') problems.push(`skip link to ${skip}`);

  // The skip link is the first thing Tab reaches, and shows when it does.
  await page.evaluate(() => document.activeElement?.blur());
  await page.keyboard.press('Tab');
  const skipShown = await page.evaluate(() => {
    const el = document.activeElement;
    if (!el || !el.classList.contains('skip-link')) return false;
    const r = el.getBoundingClientRect();
    return r.top >= 0 && r.bottom <= window.innerHeight && r.width > 0;
  });
  if (!skipShown) problems.push('the skip link is not focused first or not visible when focused');

  // The menu: the main navigation on a window; a disclosure on a phone that opens.
  if (width < 700) {
    const summary = page.locator('details.menu > summary');
    if (!(await summary.isVisible())) problems.push('no menu button on the phone');
    else {
      await summary.click();
      const open = await page.evaluate(() => document.querySelector('details.menu').open);
      const linkShown = await page.locator('details.menu nav a[href="/tools"]').isVisible();
      if (!open || !linkShown) problems.push('the phone menu does not open');
      const widthOpen = await page.evaluate(() => document.documentElement.scrollWidth);
      if (widthOpen > width) problems.push(`open menu widens the page to ${widthOpen}`);
      await summary.click();
    }
    const signUp = page.locator('.account a.button');
    if (await signUp.count()) {
      const box = await signUp.boundingBox();
      if (!box || box.x < 0 || box.x + box.width > width) problems.push('"Sign up" is clipped');
    }
  } else if (!(await page.locator('nav.main-nav').isVisible())) {
    problems.push('the main navigation is hidden on a window');
  }

  const axe = await new AxeBuilder({ page }).analyze();
  for (const v of axe.violations) {
    if (v.impact === 'serious' || v.impact === 'critical') {
      const where = v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ');
      problems.push(`axe ${v.impact} ${v.id}: ${v.help} (${v.nodes.length}×: ${where})`);
    }
  }
  return problems;
}

function fileName(pagePath, name) {
  const slug = pagePath.replace(/^\//, '').replace(/[^a-z0-9]+/gi, '_') || 'home';
  return path.join(artifacts, `${slug}.${name}.png`);
}

describe('layout and accessibility at 1366 and 390 px', () => {
  before(async () => {
    assert.ok(existsSync(chromiumPath), `Chromium not found at ${chromiumPath} (apt-get install -y chromium)`);
    if (process.env.STACKDEX_E2E_URL) {
      baseUrl = process.env.STACKDEX_E2E_URL.replace(/\/+$/, '');
    } else {
      server = await startServer(['--demo', '--rate-limit', 'off'], {}, startTimeoutMs);
      baseUrl = server.url;
    }
    browser = await chromium.launch({ executablePath: chromiumPath, headless: true, args: CHROMIUM_ARGS });
    await mkdir(artifacts, { recursive: true });
  });

  after(async () => {
    try {
      await browser?.close();
    } finally {
      await server?.stop();
      for (const dir of tempDirs) await rm(dir, { recursive: true, force: true });
      console.log(`layout results:\n${JSON.stringify(results, null, 1)}`);
    }
  });

  for (const { name, width, height } of WIDTHS) {
    test(`signed out, ${name} (${width} px): every main page fits, one h1, skip link, menu, axe clean`, async () => {
      const context = await browser.newContext({ viewport: { width, height } });
      const page = await context.newPage();
      const failures = [];
      try {
        for (const p of await mainPages()) {
          const res = await page.goto(`${baseUrl}${p}`, { waitUntil: 'load' });
          assert.equal(res.status(), 200, `${p} answers 200`);
          const problems = await problemsOf(page, width);
          results[`${p} @${width}`] = problems.length ? problems : 'ok';
          await page.screenshot({ path: fileName(p, name), fullPage: true });
          if (problems.length) failures.push(`${p}:\n  ${problems.join('\n  ')}`);
        }
      } finally {
        await context.close();
      }
      assert.deepEqual(failures, [], `pages with problems at ${width} px`);
    });

    test(`signed in, ${name} (${width} px): the feed, a tool and a stackup with the account menu`, async () => {
      const context = await browser.newContext({ viewport: { width, height } });
      const page = await context.newPage();
      const failures = [];
      try {
        const username = `looker${width}`;
        await page.goto(`${baseUrl}/signup`);
        await page.fill('input[name=username]', username);
        await page.fill('input[name=password]', PASSWORD);
        await Promise.all([page.waitForNavigation(), page.locator('form[action="/signup"] button[type=submit]').click()]);
        for (const p of ['/feed', '/tools/django', '/stackups/django-vs-flask-vs-rails-vs-rust', '/settings']) {
          const res = await page.goto(`${baseUrl}${p}`, { waitUntil: 'load' });
          assert.equal(res.status(), 200, `${p} answers 200 signed in`);
          assert.ok(await page.locator(`.account a[href="/settings"]`).count(), `${p}: the account menu shows ${username}`);
          const problems = await problemsOf(page, width);
          results[`${p} @${width} signed in`] = problems.length ? problems : 'ok';
          await page.screenshot({ path: fileName(`${p}-signed-in`, name), fullPage: true });
          if (problems.length) failures.push(`${p} (signed in):\n  ${problems.join('\n  ')}`);
        }
      } finally {
        await context.close();
      }
      assert.deepEqual(failures, [], `signed-in pages with problems at ${width} px`);
    });
  }
});
