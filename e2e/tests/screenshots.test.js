// The pictures in the README and the user guide: docs/screenshots/*.png, taken
// from the demo at 1280x900. Only with STOCKTAKE_SCREENSHOTS=1, so an ordinary
// test run leaves the working tree as it was:
//
//   STOCKTAKE_SCREENSHOTS=1 e2e/run.sh e2e/tests/screenshots.test.js

import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import test from 'node:test';
import { useBrowser } from '../lib/browser.js';

const OUT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'docs', 'screenshots');
const skip = process.env.STOCKTAKE_SCREENSHOTS === '1' ? false : 'set STOCKTAKE_SCREENSHOTS=1 to refresh docs/screenshots';

const withPage = useBrowser();

/** [file, page, the heading to scroll to the top of the picture, if any]. */
const SHOTS = [
  ['home.png', '/?unit=NFRS&period=2025-03', null],
  ['scorecard.png', '/scorecard/NFRS?period=2025-03', null],
  // The definition fills the top of the page; the picture is of the chart.
  ['indicator.png', '/indicators/FRS01?unit=NFRS&period=2025-03', 'Trend'],
];

for (const [file, path, scrollTo] of SHOTS) {
  test(`screenshot ${file} of ${path}`, { skip }, async () => {
    await mkdir(OUT, { recursive: true });
    await withPage(`screenshot ${file}`, async (page) => {
      await page.goto(path);
      await page.getByRole('heading', { level: 1 }).first().waitFor();
      // Web fonts and images settled, so the picture is the page as people see it.
      await page.evaluate(() => document.fonts.ready);
      if (scrollTo) {
        await page.getByRole('heading', { name: scrollTo, exact: true }).evaluate((h) => window.scrollTo(0, h.getBoundingClientRect().top + window.scrollY - 16));
      }
      await page.screenshot({ path: join(OUT, file), animations: 'disabled', caret: 'hide' });
    });
  });
}
