// The main journeys of a new user, in headless Chromium against the real `stackdex serve --demo`
// binary, at a desktop width (1366 px) and a phone width (390 px): sign up, follow and unfollow a
// tool, vote for a pro and take it back, post a decision with the tool picker, create a stack
// with the picker, search, browse the index pages, read the feed. Every page visited is checked
// with axe-core (no serious or critical violation) and must not scroll sideways; a screenshot
// of each is kept in e2e/artifacts/journeys/ (not committed).

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { check as checkPage } from './checks.mjs';
import { CHROMIUM_ARGS, chromiumPath, repoRoot, startServer } from './server.mjs';

const artifacts = path.resolve(repoRoot, process.env.STACKDEX_E2E_ARTIFACTS || 'e2e/artifacts', 'journeys');
const startTimeoutMs = Number(process.env.STACKDEX_E2E_START_TIMEOUT_MS || 1_200_000);
const WIDTHS = [
  { name: 'desktop', width: 1366, height: 900 },
  { name: 'phone', width: 390, height: 844 },
];

let server;
let baseUrl = '';
let browser;
const tempDirs = [];

/** Checks the page (see checks.mjs), keeping its screenshot with this test's. */
const check = (page, label, problems) => checkPage(page, label, problems, artifacts);

/** Types into a picker field and picks the first suggestion named `name`. */
async function pick(page, field, typed, name) {
  await page.locator(field).pressSequentially(typed, { delay: 30 });
  const option = page.locator(`${field}-suggestions [role="option"]`, { hasText: name }).first();
  await option.waitFor();
  assert.equal(await page.locator(field).getAttribute('aria-expanded'), 'true');
  // Arrow down to it, then Enter: picks it instead of sending the form.
  const options = await page.locator(`${field}-suggestions [role="option"]`).allInnerTexts();
  const index = options.findIndex((o) => o.includes(name));
  for (let i = 0; i <= index; i++) await page.locator(field).press('ArrowDown');
  assert.equal(await option.getAttribute('aria-selected'), 'true');
  await page.locator(field).press('Enter');
  assert.equal(await page.locator(field).getAttribute('aria-expanded'), 'false');
}

describe('the journeys of a new user, in headless Chromium', () => {
  before(async () => {
    assert.ok(existsSync(chromiumPath), `Chromium not found at ${chromiumPath}`);
    await mkdir(artifacts, { recursive: true });
    server = await startServer(['--demo'], {}, startTimeoutMs);
    baseUrl = server.url;
    browser = await chromium.launch({ executablePath: chromiumPath, headless: true, args: CHROMIUM_ARGS });
  });

  after(async () => {
    try {
      await browser?.close();
    } finally {
      await server?.stop();
      for (const dir of tempDirs) await rm(dir, { recursive: true, force: true });
    }
  });

  for (const size of WIDTHS) {
    test(`sign up, follow, vote, decide, stack, search, browse and read the feed at ${size.width} px`, async () => {
      const context = await browser.newContext({ viewport: { width: size.width, height: size.height } });
      context.setDefaultTimeout(30_000);
      const page = await context.newPage();
      const errors = [];
      page.on('pageerror', (err) => errors.push(err.message));
      const problems = [];
      const user = `walker-${size.name}`;
      const at = (p) => `${baseUrl}${p}`;

      // Signed out: the follow control sends to the login page.
      await page.goto(at('/tools/django'));
      await check(page, `${size.name} tool signed out`, problems);
      const follow = page.locator('button[data-toggle^="follow:tool:"]').first();
      assert.equal(await follow.getAttribute('aria-pressed'), 'false');

      // Sign up.
      await page.goto(at('/signup'));
      await check(page, `${size.name} signup`, problems);
      await page.fill('#username', user);
      await page.fill('#password', 'correct horse battery');
      await Promise.all([page.waitForNavigation(), page.locator('form.stacked button[type="submit"]').click()]);
      assert.ok((await page.content()).includes(user), 'the page knows who is looking');

      // Follow and unfollow Django: the page we land on shows it at once.
      await page.goto(at('/tools/django'));
      await Promise.all([page.waitForNavigation(), follow.click()]);
      assert.equal(new URL(page.url()).pathname, '/tools/django');
      assert.equal(await follow.getAttribute('aria-pressed'), 'true');
      await check(page, `${size.name} tool following`, problems);
      await Promise.all([page.waitForNavigation(), follow.click()]);
      assert.equal(await follow.getAttribute('aria-pressed'), 'false');
      // Follow again, for the feed below.
      await Promise.all([page.waitForNavigation(), follow.click()]);

      // Vote for the first pro and take the vote back.
      const pro = page.locator('ul.pros > li').first();
      const vote = pro.locator('button.vote');
      const before = Number(await pro.locator('.count').innerText());
      await Promise.all([page.waitForNavigation(), vote.click()]);
      assert.equal(await page.locator('ul.pros > li').first().locator('button.vote').getAttribute('aria-pressed'), 'true');
      assert.equal(Number(await page.locator('ul.pros > li').first().locator('.count').innerText()), before + 1);
      await Promise.all([page.waitForNavigation(), page.locator('ul.pros > li').first().locator('button.vote').click()]);
      assert.equal(await page.locator('ul.pros > li').first().locator('button.vote').getAttribute('aria-pressed'), 'false');
      assert.equal(Number(await page.locator('ul.pros > li').first().locator('.count').innerText()), before);

      // A decision, its tools picked with the picker.
      await page.goto(at('/decisions/new'));
      await pick(page, '#tools', 'Djan', 'Django');
      await pick(page, '#tools', 'rus', 'Rust');
      assert.match(await page.inputValue('#tools'), /^Django, Rust, ?$/);
      await check(page, `${size.name} decision form`, problems);
      await page.fill('#body', `We kept **Django** for the admin and moved the hot path to Rust (${size.name}).`);
      await Promise.all([page.waitForNavigation(), page.locator('form button[type="submit"]', { hasText: 'Post' }).click()]);
      assert.match(new URL(page.url()).pathname, /^\/decisions\/\d+$/);
      const chips = await page.locator('a.chip').allInnerTexts();
      assert.ok(chips.includes('Django') && chips.includes('Rust'), `chips: ${chips}`);
      await check(page, `${size.name} decision`, problems);

      // A stack, its tools picked with the picker.
      await page.goto(at('/stacks/new'));
      await page.fill('#stack-name', 'shop');
      await pick(page, '#stack-add', 'postgre', 'PostgreSQL');
      await pick(page, '#stack-add', 'redi', 'Redis');
      await check(page, `${size.name} stack form`, problems);
      await Promise.all([page.waitForNavigation(), page.locator('form button[type="submit"]', { hasText: 'Save' }).click()]);
      assert.equal(new URL(page.url()).pathname, `/stacks/${user}/shop`);
      const stack = await page.content();
      assert.ok(stack.includes('/tools/postgresql') && stack.includes('/tools/redis'), 'the stack lists both tools');
      await check(page, `${size.name} stack`, problems);

      // Search: a typo finds the widely used tool first.
      await page.goto(at('/search?q=postgress'));
      const firstTool = page.locator('main a[href^="/tools/"]').first();
      assert.equal(await firstTool.getAttribute('href'), '/tools/postgresql');
      await check(page, `${size.name} search`, problems);

      // The index pages.
      for (const p of ['/tools', '/stackups', '/stacks', '/organisations', '/users', '/categories/application-and-data']) {
        const res = await page.goto(at(p));
        assert.equal(res.status(), 200, p);
        await check(page, `${size.name} index ${p}`, problems);
      }

      // The feed: the decision about Django, which this user follows.
      await page.goto(at('/feed'));
      const feed = await page.locator('main').innerText();
      assert.ok(feed.includes('Django'), 'the feed shows what happened to Django');
      assert.ok((await page.locator('main a[href^="/decisions/"]').count()) >= 1, 'the decision is in the feed');
      await check(page, `${size.name} feed`, problems);

      assert.deepEqual(errors, [], 'no uncaught script errors');
      assert.deepEqual(problems, [], problems.join('\n'));
      await context.close();
    });
  }
});
