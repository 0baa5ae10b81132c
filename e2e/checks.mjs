// What every browser test asks of a page a person would call finished: it does not scroll
// sideways, it has one h1, axe-core finds nothing serious or critical. A full-page screenshot of
// each page checked is kept in the artifacts folder given (not committed).

import path from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';

/** Checks the page; appends what is wrong to `problems` and keeps its screenshot in `dir`. */
export async function check(page, label, problems, dir) {
  const width = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
  if (width[0] > width[1]) {
    // Name the innermost elements that reach past the window, to say what to fix.
    const culprits = await page.evaluate(() => {
      const out = [];
      for (const el of document.querySelectorAll('body *')) {
        const right = el.getBoundingClientRect().right;
        if (right > window.innerWidth + 1 && ![...el.children].some((c) => c.getBoundingClientRect().right > window.innerWidth + 1)) {
          out.push(`${el.tagName.toLowerCase()}${el.className ? '.' + String(el.className).split(' ').join('.') : ''} (${Math.round(right)} px)`);
        }
      }
      return out.slice(0, 4);
    });
    problems.push(`${label}: ${width[0]} px wide in a ${width[1]} px window: ${culprits.join(', ')}`);
  }
  const h1 = await page.locator('h1').count();
  if (h1 !== 1) problems.push(`${label}: ${h1} h1 elements`);
  const result = await new AxeBuilder({ page }).analyze();
  for (const v of result.violations) {
    if (v.impact === 'serious' || v.impact === 'critical') {
      problems.push(`${label}: axe ${v.impact} ${v.id} (${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join('; ')})`);
    }
  }
  await page.screenshot({ path: path.join(dir, `${label.replace(/[^a-z0-9]+/gi, '-')}.png`), fullPage: true });
}
