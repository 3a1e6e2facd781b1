// The pictures in the README and the user guide: docs/screenshots/*.png,
// every kind of page at 1366x900 (laptop) and 390x844 (phone), taken from
// the demo. Only with STOCKTAKE_SCREENSHOTS=1, so an ordinary test run
// leaves the working tree as it was:
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

const SIZES = [
  ['', { width: 1366, height: 900 }],
  ['-phone', { width: 390, height: 844 }],
];

/** [name, page, the heading to scroll to the top of the picture, if any]. */
const SHOTS = [
  ['home', '/', null],
  ['scorecard', '/scorecard/NFRS?period=2025-03', null],
  ['scorecard-council', '/scorecard/E07000176?period=2025-03', null],
  ['scorecard-print', '/scorecard/NFRS?period=2025-03&print=1', null],
  // The definition fills the top of the page; the picture is of the chart.
  ['indicator', '/indicators/FRS01?unit=NFRS&period=2025-03', 'Trend'],
  ['unit', '/units/NFRS-CITY?period=2025-03', null],
  ['entry', '/entry/NFRS-ARNOLD?period=2025-03', null],
  ['import', '/import', null],
  ['search', '/search?q=notting', null],
  ['cascade', '/targets/cascade?unit=NFRS&indicator=FRS01&period=2024/25', 'FRS01 targets for 2024/25 below Nottinghamshire Fire and Rescue Service'],
  ['benchmark', '/benchmark?indicator=NI192&period=2023/24&level=district&under=E10000024&unit=E07000174', null],
  ['neighbours', '/units/E07000174/neighbours?period=2025-03', null],
  ['picture', '/picture/E12000004?level=district&year=2024/25', null],
  ['map', '/indicators/NI192/map?unit=E10000024&period=2023/24', null],
  ['open-data', '/open', null],
  ['open-data-indicator', '/open/indicators/FRS01', 'Trend'],
  ['open-data-table', '/open/tables/NFRS-FIRE-PROSECUTIONS-2023-24', 'Rows'],
  ['data-table', '/data-tables/NFRS-FIRE-PROSECUTIONS-2023-24', 'Rows'],
  ['picture-evidence', '/picture/E12000004/E07000133?level=district&year=2024/25', null],
  ['approvals', '/approvals', null],
  ['returns', '/returns', null],
  ['return', '/returns/FRS-2025-04', null],
  ['value', '/values/FRS01/NFRS-STOCKHILL?period=2025-03', null],
  ['intelligence', '/units/E07000174/intelligence', null],
  ['support', '/support', null],
  ['support-plan', '/support/plans/EM-2024-01', null],
  ['partnership', '/partnerships/P-NOTTS-LAA', null],
  ['budget', '/budgets/EMRIEP-2008-09', null],
  ['plans', '/plans', null],
  ['improvement-plan', '/plans/NFRS-CPA-2005', null],
  ['project', '/projects/TRACK-HFSC?quarter=2007/08%20Q2', null],
  ['risk-register', '/risks/EMRIEP', null],
  ['risk', '/risks/EMRIEP/risks/1', null],
  ['goal', '/goals/EM-IMPROVE', null],
  ['improvement', '/improvement', null],
  ['laa', '/framework/laas/NOTTS-LAA', null],
  ['assessment', '/framework/assessments/1', null],
  ['framework', '/framework', null],
  ['framework-entry-by-set', '/entry/E10000024?period=2023/24&set=NIS', null],
  ['framework-delete-refused', '/framework/assessments/1/delete', null],
  ['reports', '/reports', null],
  ['report', '/reports/2', null],
  ['benchmark-report', '/units/E07000174/reports/benchmark?period=2024%2F25', null],
  ['publication', '/publication', null],
];

for (const [suffix, viewport] of SIZES) {
  for (const [name, path, scrollTo] of SHOTS) {
    const file = `${name}${suffix}.png`;
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
      }, { viewport });
    });
  }
}
