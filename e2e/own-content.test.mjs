// Owning what you wrote, in headless Chromium against the real `stackdex serve` binary, at a
// desktop width (1366 px) and a phone width (390 px), as a new user would: fill the profile, edit
// and delete a decision, push a repository twice from the CLI (the second push records nothing),
// upload a techstack.yml in the stack editor, delete the stack, report a comment and remove it as
// an admin, read an organisation's fleet with end-of-life dates imported by the CLI and its radar,
// push a git history and see its timeline, change the password (the other session ends). Every
// page visited is checked as in journeys.test.mjs; screenshots go to e2e/artifacts/own-content/
// (not committed).

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { chromium } from 'playwright-core';
import { check as checkPage } from './checks.mjs';
import { CHROMIUM_ARGS, bin, chromiumPath, repoRoot, startServer } from './server.mjs';

const run = promisify(execFile);
const artifacts = path.resolve(repoRoot, process.env.STACKDEX_E2E_ARTIFACTS || 'e2e/artifacts', 'own-content');
const PASSWORD = 'correct horse battery';
const NEW_PASSWORD = 'a brand new passphrase';
const WIDTHS = [
  { name: 'desktop', width: 1366, height: 900 },
  { name: 'phone', width: 390, height: 844 },
];
const check = (page, label, problems) => checkPage(page, label, problems, artifacts);

let server;
let browser;
const tempDirs = [];

/** Runs the stackdex binary with the server's data folder and a config folder of its own. */
async function stackdex(args, env = {}) {
  const config = await mkdtemp(path.join(os.tmpdir(), 'stackdex-e2e-cli-'));
  tempDirs.push(config);
  const { stdout, stderr } = await run(bin, args, {
    env: { ...process.env, STACKDEX_DATA_DIR: server.dataDir, STACKDEX_CONFIG_DIR: config, ...env },
  });
  return stdout + stderr;
}

/** A new browser context at this size, signed up as `user`. */
async function signedUp(size, user) {
  const context = await browser.newContext({ viewport: { width: size.width, height: size.height } });
  context.setDefaultTimeout(30_000);
  const page = await context.newPage();
  await page.goto(`${server.url}/signup`);
  await page.fill('#username', user);
  await page.fill('#password', PASSWORD);
  await Promise.all([page.waitForNavigation(), page.locator('form.stacked button[type="submit"]').click()]);
  return { context, page };
}

/** Clicks what sends a form and waits for the page it lands on. */
async function submit(page, locator) {
  await Promise.all([page.waitForNavigation(), page.locator(locator).first().click()]);
}

describe('owning what you wrote, in headless Chromium', () => {
  before(async () => {
    assert.ok(existsSync(chromiumPath), `Chromium not found at ${chromiumPath}`);
    await mkdir(artifacts, { recursive: true });
    server = await startServer([], { STACKDEX_RATE_LIMIT: 'off' });
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
    test(`profile, decisions, pushes, uploads, reports and passwords at ${size.width} px`, async () => {
      const at = (p) => `${server.url}${p}`;
      const problems = [];
      const errors = [];
      const owner = `olive-${size.name}`;
      const { context, page } = await signedUp(size, owner);
      page.on('pageerror', (err) => errors.push(err.message));

      // The profile, shown on the user's page.
      await page.goto(at('/settings'));
      await page.fill('#display_name', 'Olive Owner');
      await page.fill('#title', 'Platform lead');
      await page.fill('#company', 'Acme');
      await page.fill('#website', 'https://olive.example');
      await page.fill('#bio', 'Runs the <b>platform</b> team.');
      await submit(page, '#profile button[type="submit"]');
      assert.match(await page.locator('.flash.ok').innerText(), /profile is saved/);
      await check(page, `${size.name} settings`, problems);
      // A refused website keeps what was typed and says why, beside the field.
      await page.fill('#website', 'ftp://olive.example');
      await page.locator('#website').evaluate((el) => el.setAttribute('type', 'text'));
      await submit(page, '#profile button[type="submit"]');
      assert.equal(await page.inputValue('#website'), 'ftp://olive.example');
      assert.equal(await page.locator('#website').getAttribute('aria-invalid'), 'true');
      await page.goto(at(`/users/${owner}`));
      const profile = await page.locator('main').innerText();
      assert.ok(profile.includes('Olive Owner') && profile.includes('Platform lead at Acme'), profile);
      assert.ok(profile.includes('Runs the <b>platform</b> team.'), 'the bio as written, as text');

      // A decision: posted, edited (then shown as edited), and later deleted.
      await page.goto(at('/decisions/new'));
      await page.fill('#tools', 'Django, Rust');
      await page.fill('#body', `We moved the hot path to Rust (${size.name}).`);
      await submit(page, 'form button:has-text("Post")');
      const decisionUrl = page.url();
      await submit(page, '.own-actions a');
      assert.match(new URL(page.url()).pathname, /^\/decisions\/\d+\/edit$/);
      await check(page, `${size.name} edit decision`, problems);
      await page.fill('#body', `We moved the hot path to Rust and kept Django (${size.name}).`);
      await submit(page, 'form button:has-text("Save")');
      assert.equal(page.url(), decisionUrl);
      assert.ok((await page.locator('#decision').innerText()).includes('kept Django'));
      assert.ok(await page.locator('#decision .edited').isVisible(), 'shown as edited');

      // Someone else comments; the owner reports the comment; an admin removes it.
      const critic = await signedUp(size, `critic-${size.name}`);
      await critic.page.goto(decisionUrl);
      assert.equal(await critic.page.locator('#decision .own-actions').count(), 0, 'no edit control for others');
      await critic.page.fill('#comment-body', 'Cheap watches at spam.example');
      await submit(critic.page, '#comment-form button');
      await page.goto(decisionUrl);
      await submit(page, '.comment .report-link');
      await check(page, `${size.name} report form`, problems);
      await page.fill('#reason', 'Spam');
      await submit(page, 'form button:has-text("Send the report")');
      assert.match(await page.locator('.flash.ok').innerText(), /your report is with the admins/);

      const admin = await signedUp(size, `root-${size.name}`);
      assert.equal((await admin.page.goto(at('/admin/reports'))).status(), 403, 'not an admin yet');
      await stackdex(['admin', 'grant', `root-${size.name}`]);
      // The server reads the change log within a second: the session it keeps learns the role.
      await new Promise((r) => setTimeout(r, 1500));
      assert.equal((await admin.page.goto(at('/admin/reports'))).status(), 200);
      assert.ok((await admin.page.locator('main').innerText()).includes('Cheap watches'));
      await check(admin.page, `${size.name} admin reports`, problems);
      await submit(admin.page, 'button:has-text("Remove the comment")');
      assert.ok((await admin.page.locator('main').innerText()).includes('No open reports.'));
      await page.goto(decisionUrl);
      assert.equal(await page.locator('.comment').count(), 0, 'the comment is gone');
      await check(page, `${size.name} decision edited`, problems);

      await submit(page, '.own-actions a');
      await submit(page, 'button:has-text("Delete this decision")');
      assert.equal(new URL(page.url()).pathname, `/users/${owner}`);
      assert.equal((await page.goto(decisionUrl)).status(), 404);
      await page.goto(at(`/users/${owner}`));
      await check(page, `${size.name} user page`, problems);

      // Push a repository twice from the CLI: the second push records nothing new.
      const token = await (
        await fetch(at('/api/v1/tokens'), {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ username: owner, password: PASSWORD, name: 'cli' }),
        })
      ).json();
      const repo = path.join(repoRoot, 'crates/scan/tests/fixtures/python-app');
      const push = ['push', repo, '--server', server.url, '--stack', `${owner}/app`, '--token', token.token];
      assert.match(await stackdex(push), /v1/);
      assert.match(await stackdex(push), /unchanged since v1/);
      await page.goto(at(`/stacks/${owner}/app`));
      const history = await page.locator('main').innerText();
      assert.ok(history.includes('v1') && !history.includes('v2'), 'one snapshot');
      await check(page, `${size.name} pushed stack`, problems);

      // Upload a techstack.yml in the stack editor: a new snapshot, and the names it left out.
      await page.goto(at(`/stacks/${owner}/app/edit`));
      await page.setInputFiles('#upload-file', path.join(repoRoot, 'crates/scan/tests/fixtures/stack-files/koel.techstack.yml'));
      await submit(page, 'button:has-text("Import")');
      assert.match(await page.locator('section.flash').innerText(), /Imported the techstack\.yml as v2/);
      await check(page, `${size.name} stack upload`, problems);

      // Describe the stack, then delete it.
      await page.fill('#stack-description', 'Our Python service.');
      await submit(page, 'button:has-text("Save the description")');
      assert.ok((await page.locator('.stack-description').innerText()).includes('Our Python service.'));
      await page.goto(at(`/stacks/${owner}/app/edit`));
      await submit(page, `button:has-text("Delete ${owner}/app")`);
      assert.equal(new URL(page.url()).pathname, `/users/${owner}`);
      assert.equal((await page.goto(at(`/stacks/${owner}/app`))).status(), 404);

      // The fleet of an organisation: versions across its stacks, end of life from the CLI.
      const api = (method, p, body) =>
        fetch(at(p), {
          method,
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token.token}` },
          body: body && JSON.stringify(body),
        });
      const org = `acme-${size.name}`;
      assert.equal((await api('POST', '/api/v1/organisations', { slug: org, name: 'Acme Fleet' })).status, 201);
      for (const [stack, version] of [['api', '13.4'], ['web', '16.2'], ['jobs', '14.1']]) {
        const r = await api('PUT', `/api/v1/stacks/${org}/${stack}`, { tools: [{ slug: 'postgresql', versions: [version] }, { slug: 'redis' }] });
        assert.equal(r.status, 200, await r.text());
      }
      await stackdex(['import-eol', '--tool', 'postgresql', '--file', path.join(repoRoot, 'crates/cli/tests/fixtures/eol/postgresql.json')]);
      await page.goto(at(`/organisations/${org}`));
      await submit(page, 'a:has-text("The fleet")');
      assert.ok((await page.locator('main').innerText()).includes('past end of life'), '13.4 is past its end of life');
      await check(page, `${size.name} fleet`, problems);
      await submit(page, 'a:has-text("PostgreSQL")');
      assert.equal(await page.locator('svg.upgrade-chart').getAttribute('role'), 'img');
      await check(page, `${size.name} fleet tool`, problems);

      // The organisation's tech radar, recorded twice: drawn with its drift and its moves.
      const radar = (entries) =>
        fetch(at(`/api/v1/organisations/${org}/radar`), {
          method: 'PUT',
          headers: { 'content-type': 'application/yaml', authorization: `Bearer ${token.token}` },
          body: entries,
        });
      assert.equal((await radar('entries:\n  - {tool: redis, ring: hold}\n  - {tool: postgresql, ring: adopt}\n  - {tool: kafka, ring: trial}\n')).status, 201);
      assert.equal((await radar('entries:\n  - {tool: redis, ring: hold}\n  - {tool: postgresql, ring: adopt}\n  - {tool: kafka, ring: adopt}\n  - {tool: django, ring: assess}\n  - {tool: jquery, ring: hold}\n')).status, 201);
      await page.goto(at(`/organisations/${org}`));
      await submit(page, 'a:has-text("The tech radar")');
      assert.equal(await page.locator('svg.radar a[href="/tools/kafka"]').getAttribute('aria-label'), 'Kafka (adopt)');
      const drift = await page.locator('#drift').innerText();
      assert.ok(drift.includes('Redis') && drift.includes(`${org}/api`), 'redis is on hold and used');
      assert.ok((await page.locator('#moves').innerText()).includes('trial → adopt'));
      await check(page, `${size.name} radar`, problems);

      // A repository's git history pushed at once: the stack page draws when each tool came
      // and went.
      const git = promisify(execFile);
      const repoDir = await mkdtemp(path.join(os.tmpdir(), 'stackdex-e2e-git-'));
      tempDirs.push(repoDir);
      const commit = async (files, date) => {
        for (const [name, text] of Object.entries(files)) await writeFile(path.join(repoDir, name), text);
        await git('git', ['add', '-A'], { cwd: repoDir });
        const env = { ...process.env, GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date };
        await git('git', ['-c', 'user.name=e2e', '-c', 'user.email=e2e@example.com', 'commit', '-qm', date], { cwd: repoDir, env });
      };
      await git('git', ['init', '-q', '-b', 'main'], { cwd: repoDir });
      const pkg = (deps) => JSON.stringify({ name: 'app', dependencies: deps });
      await commit({ 'package.json': pkg({ react: '17.0.2' }) }, '2022-01-10T12:00:00Z');
      await commit({ 'package.json': pkg({ react: '18.2.0', express: '4.18.2' }) }, '2023-03-01T12:00:00Z');
      await commit({ 'package.json': pkg({ react: '18.2.0', pg: '8.11.0' }) }, '2024-06-01T12:00:00Z');
      const pushed = await stackdex(['push', '--history', repoDir, '--server', server.url, '--stack', `${owner}/webapp`, '--token', token.token]);
      assert.match(pushed, /recorded 3 dated snapshots/);
      await page.goto(at(`/stacks/${owner}/webapp`));
      const timeline = page.locator('.timeline-rows');
      assert.equal(await timeline.getAttribute('role'), 'img');
      assert.match(await timeline.getAttribute('aria-label'), /^Timeline of \d+ tools from Jan 10, 2022/);
      assert.ok((await page.locator('main').innerText()).includes('removed ExpressJS'), 'the history names what left');
      await check(page, `${size.name} stack history`, problems);

      // Change the password: this session stays, the other one (a second browser) ends.
      const laptop = await browser.newContext({ viewport: { width: size.width, height: size.height } });
      const other = await laptop.newPage();
      await other.goto(at('/login'));
      await other.fill('#username', owner);
      await other.fill('#password', PASSWORD);
      await submit(other, 'form.stacked button[type="submit"]');
      await page.goto(at('/settings'));
      await page.fill('#current_password', 'not my password');
      await page.fill('#new_password', NEW_PASSWORD);
      await submit(page, '#password button[type="submit"]');
      assert.equal(await page.locator('#current_password').getAttribute('aria-invalid'), 'true');
      await page.fill('#current_password', PASSWORD);
      await page.fill('#new_password', NEW_PASSWORD);
      await submit(page, '#password button[type="submit"]');
      assert.match(await page.locator('.flash.ok').innerText(), /password is changed/);
      await other.goto(at('/settings'));
      assert.equal(new URL(other.url()).pathname, '/login', 'the other session is logged out');
      await check(page, `${size.name} settings after password`, problems);

      assert.deepEqual(errors, [], 'no uncaught script errors');
      assert.deepEqual(problems, [], problems.join('\n'));
      for (const c of [context, critic.context, admin.context, laptop]) await c.close();
    });
  }
});
