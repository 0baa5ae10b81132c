// Hostile text in headless Chromium: every vector of crates/web/tests/xss-vectors.txt
// goes through every free-text field a user controls (pros and cons, organisation names,
// token names, the search box, the log-in form's username; decisions and comments when the
// server has them), and then the pages that show them are opened in Chromium with the
// Content-Security-Policy switched OFF, so that only escaping and sanitising stand between a
// vector and its execution. No dialog may open and no request may leave for a vector's
// address. A second pass with the policy on checks the pages raise no CSP violation.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, chromiumPath, repoRoot, startServer } from './server.mjs';

const vectors = readFileSync(path.join(repoRoot, 'crates/web/tests/xss-vectors.txt'), 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '');

let server;
let browser;
const fired = [];
const stored = { reasons: [], orgs: 0, tokens: 0, decisions: [] };
const USER = 'mallory';
const PASSWORD = 'correct horse battery';

async function api(method, url, body, token) {
  const headers = { 'content-type': 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  const res = await fetch(`${server.url}${url}`, { method, headers, body: body && JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, json: text.startsWith('{') || text.startsWith('[') ? JSON.parse(text) : null };
}

/** Opens a page and waits a moment for anything a vector might schedule. */
async function visit(page, url) {
  const res = await page.goto(`${server.url}${url}`, { waitUntil: 'load' });
  await page.waitForTimeout(30);
  return res;
}

describe('hostile text never runs in Chromium', () => {
  before(async () => {
    server = await startServer([], { STACKDEX_RATE_LIMIT: 'off' });
    assert.equal((await api('POST', '/api/v1/users', { username: USER, password: PASSWORD })).status, 201);
    const token = (await api('POST', '/api/v1/tokens', { username: USER, password: PASSWORD, name: 'e2e' })).json.token;

    // One tool per vector, so no vector is refused as a near-duplicate of another.
    const slugs = [];
    for (const cat of ['application-and-data/languages-and-frameworks', 'application-and-data/databases',
      'devops/continuous-integration', 'application-and-data/javascript-ui-libraries', 'utilities/payment-services']) {
      for (let p = 1; p <= 3 && slugs.length < vectors.length; p++) {
        const r = await api('GET', `/api/v1/categories/${cat}?page=${p}`);
        if (r.status !== 200) break;
        for (const t of r.json.tools) if (!slugs.includes(t.slug)) slugs.push(t.slug);
      }
    }
    assert.ok(slugs.length >= vectors.length, `only ${slugs.length} tools`);

    for (const [i, v] of vectors.entries()) {
      const r = await api('POST', `/api/v1/tools/${slugs[i]}/reasons`, { kind: i % 2 ? 'con' : 'pro', text: v }, token);
      if (r.status === 201) stored.reasons.push({ slug: slugs[i], id: r.json.id, text: v });
      else assert.equal(r.status, 400, `reason ${JSON.stringify(v)}: ${r.status}`); // too long for a reason
      const o = await api('POST', '/api/v1/organisations', { slug: `org-${i}`, name: v }, token);
      if (o.status === 201) stored.orgs++;
      const k = await api('POST', '/api/v1/tokens', { username: USER, password: PASSWORD, name: v });
      if (k.status === 201) stored.tokens++;
      const d = await api('POST', '/api/v1/decisions', { kind: 'decided', body: v, tools: [slugs[i]] }, token);
      if (d.status === 201) {
        stored.decisions.push(d.json.url);
        await api('POST', `/api/v1/decisions/${d.json.id}/comments`, { body: v }, token);
      }
    }

    const profile = await mkdtemp(path.join(os.tmpdir(), 'stackdex-xss-profile-'));
    browser = await chromium.launchPersistentContext(profile, {
      executablePath: chromiumPath,
      headless: true,
      args: CHROMIUM_ARGS,
      bypassCSP: true,
      timeout: 60_000,
    });
    browser.on('page', (p) => p.on('dialog', (d) => {
      fired.push(`${p.url()}: ${d.type()} ${d.message()}`);
      d.dismiss().catch(() => {});
    }));
    await browser.route('**/*', (route) => {
      const url = new URL(route.request().url());
      // Our own script (the tool picker) is expected; any other script, or any other host, is a vector's.
      if (url.hostname !== '127.0.0.1' || (url.pathname.endsWith('.js') && url.pathname !== '/static/picker.js')) fired.push(`request ${url}`);
      return url.hostname === '127.0.0.1' ? route.continue() : route.abort();
    });
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test('most vectors were stored through each field', () => {
    assert.ok(vectors.length >= 50, `${vectors.length} vectors`);
    assert.ok(stored.reasons.length >= 45, `${stored.reasons.length} reasons stored`);
    assert.ok(stored.orgs >= 45, `${stored.orgs} organisation names stored`);
    assert.ok(stored.tokens >= 30, `${stored.tokens} token names stored`);
  });

  test('pros and cons on tool pages show as text and never run', async () => {
    const page = await browser.newPage();
    for (const r of stored.reasons) {
      const res = await visit(page, `/tools/${r.slug}`);
      assert.equal(res.status(), 200);
      const shown = await page.textContent(`#reason-${r.id}`);
      assert.ok(shown.includes(r.text.replace(/\s+/g, ' ').trim()), `reason ${r.id} shown as text: ${shown}`);
    }
    assert.deepEqual(fired, []);
  });

  test('organisation names, search queries and decisions never run', async () => {
    const page = await browser.newPage();
    await visit(page, `/users/${USER}`);
    const text = await page.textContent('main');
    assert.ok(text.includes('<script>alert(1)</script>'), 'organisation names are shown as text');
    for (let i = 0; i < vectors.length; i++) await visit(page, `/organisations/org-${i}`);
    for (const v of vectors) await visit(page, `/search?q=${encodeURIComponent(v)}`);
    for (const url of stored.decisions) await visit(page, url);
    assert.deepEqual(fired, []);
  });

  test('the log-in form, the settings page and its token names never run', async () => {
    const page = await browser.newPage();
    // A failed log-in echoes the username into the form.
    for (const v of vectors.slice(0, 20)) {
      await visit(page, '/login');
      await page.fill('#username', v);
      await page.fill('#password', 'wrong password!');
      await Promise.all([page.waitForLoadState('load'), page.click('button[type=submit]')]);
    }
    await visit(page, '/login');
    await page.fill('#username', USER);
    await page.fill('#password', PASSWORD);
    await Promise.all([page.waitForURL(`${server.url}/`), page.click('button[type=submit]')]);
    await visit(page, '/settings');
    const rows = await page.locator('table.tokens tbody tr').count();
    assert.ok(rows >= stored.tokens, `${rows} token rows`);
    assert.deepEqual(fired, []);
  });

  test('with the policy on, pages raise no violation and headers are set', async () => {
    const profile = await mkdtemp(path.join(os.tmpdir(), 'stackdex-csp-profile-'));
    const strict = await chromium.launchPersistentContext(profile, {
      executablePath: chromiumPath, headless: true, args: CHROMIUM_ARGS, timeout: 60_000,
    });
    const problems = [];
    const page = await strict.newPage();
    page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
    for (const url of [`/tools/${stored.reasons[0].slug}`, '/login', `/users/${USER}`, '/organisations/org-0', '/nope']) {
      await page.goto(`${server.url}${url}`);
    }
    await strict.close();
    // A 404 logs "Failed to load resource" for the page itself; anything else is a problem.
    assert.deepEqual(problems.filter((p) => !p.includes('404')), []);
    for (const url of ['/', '/api/v1/tools/django', '/nope', '/login']) {
      const res = await fetch(`${server.url}${url}`);
      const csp = res.headers.get('content-security-policy') || '';
      assert.match(csp, /script-src 'self'/, url);
      assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/, url);
      assert.match(csp, /frame-ancestors 'none'/, url);
      assert.equal(res.headers.get('x-content-type-options'), 'nosniff', url);
      assert.equal(res.headers.get('x-frame-options'), 'DENY', url);
      assert.equal(res.headers.get('referrer-policy'), 'same-origin', url);
    }
  });
});
