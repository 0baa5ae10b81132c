import { chromium } from 'playwright-core';
import { check } from './checks.mjs';
const [,, base, ...paths] = process.argv;
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
const problems = [];
for (const width of [1366, 390]) {
  const ctx = await browser.newContext({ viewport: { width, height: 900 } });
  const page = await ctx.newPage();
  for (const p of paths) {
    const r = await page.goto(base + p);
    if (r.status() >= 400) problems.push(`${p}: ${r.status()}`);
    await check(page, `${width}${p}`, problems, '/tmp/shots');
  }
  await ctx.close();
}
await browser.close();
console.log(problems.length ? problems.join('\n') : 'no problems');
