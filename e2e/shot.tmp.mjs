import { chromium } from 'playwright-core';
const [,, url, out, w] = process.argv;
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
const ctx = await browser.newContext({ viewport: { width: Number(w||1366), height: 1000 } });
const page = await ctx.newPage();
await page.goto(url);
await page.screenshot({ path: out });
await browser.close();
