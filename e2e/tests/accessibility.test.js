// Every kind of page, checked by axe-core against WCAG 2.0, 2.1 and 2.2 A and
// AA: no serious or critical violation. Each page is its own test, so one
// page's problems do not hide another's. Nothing here writes data.

import test from 'node:test';
import { checkAccessibility, useBrowser } from '../lib/browser.js';
import { uploadForImport } from '../lib/stocktake.js';

const withPage = useBrowser();

/** Pages reached by address alone: [name, path, what shows the page is ready]. */
const PAGES = [
  ['home', '/', 'Indicators by status'],
  ['scorecard', '/scorecard/NFRS?period=2025-03', 'Show indicators'],
  ['scorecard filtered and sorted', '/scorecard/NFRS?period=2025-03&status=green&sort=value&dir=desc', 'Show indicators'],
  ['scorecard printable', '/scorecard/E12000004?period=2024/25&print=1', null],
  ['indicator (fire, monthly)', '/indicators/FRS01?unit=NFRS&period=2025-03', null],
  ['indicator (council, yearly)', '/indicators/NI192?unit=E12000004&period=2023/24', null],
  ['unit', '/units/NFRS-CITY?period=2025-03', null],
  ['unit at the bottom of the hierarchy', '/units/NFRS-STOCKHILL?period=2025-03', null],
  ['data entry', '/entry/NFRS-ARNOLD?period=2025-03', null],
  ['import', '/import', null],
  ['council scorecard', '/scorecard/E07000176?period=2025-03', 'Show indicators'],
  ['search results', '/search?q=notting', null],
  ['cascade preview', '/targets/cascade?unit=NFRS&indicator=FRS01&period=2024/25', 'Proposed target'],
  ['benchmark', '/benchmark?indicator=NI192&period=2023/24&level=district&under=E10000024&unit=E07000174', null],
  ['nearest neighbours', '/units/E07000174/neighbours?period=2025-03', null],
  ['regional picture', '/picture/E12000004?level=district&year=2024/25', null],
  ['regional picture evidence', '/picture/E12000004/E07000133?level=district&year=2024/25', null],
  ['approvals', '/approvals', 'Figures waiting for approval'],
  ['data returns', '/returns', null],
  ['a data return', '/returns/FRS-2025-04', 'Completeness'],
  ['open a data return', '/returns/new', null],
  ['a figure and its history', '/values/FRS01/NFRS-STOCKHILL?period=2025-03', 'History'],
  ['intelligence', '/intelligence', null],
  ['a council\'s intelligence', '/units/E07000174/intelligence', null],
  ['an intelligence record', '/intelligence/1', null],
  ['sources of intelligence', '/intelligence/sources', null],
  ['support matrix', '/support', null],
  ['support plan', '/support/plans/EM-2024-01', null],
  ['writing a support plan', '/support/plans/new?unit=E07000174', null],
  ['peer register', '/peers', null],
  ['good practice', '/good-practice?q=waste', null],
  ['partnership register', '/partnerships', null],
  ['a partnership', '/partnerships/P-NOTTS-LAA', 'History'],
  ['evaluation toolkit', '/evaluation-toolkit', null],
  ['budgets', '/budgets', null],
  ['a budget', '/budgets/EMRIEP-2008-09', 'Summary'],
  ['plans, programmes and projects', '/plans', null],
  ['an improvement plan', '/plans/NFRS-CPA-2005', null],
  ['an action point carried forward', '/actions/10', null],
  ['a work programme and its quarter', '/programmes/LGA-JWP-2007?quarter=2007/08%20Q2', null],
  ['a project and its quarter', '/projects/TRACK-HFSC?quarter=2007/08%20Q2', null],
  ['risk registers', '/risks', null],
  ['a risk register', '/risks/EMRIEP', null],
  ['a risk', '/risks/EMRIEP/risks/1', null],
  ['risk matrices', '/risk-matrices', null],
  ['a change of matrix', '/risks/EMRIEP/matrix?to=STANDARD-5X5', null],
  ['goals', '/goals', null],
  ['a goal', '/goals/EM-IMPROVE', null],
  ['improvement', '/improvement', null],
  ['action point statuses', '/action-statuses', null],
  ['publication', '/publication', null],
  ['indicator map', '/indicators/NI192/map?unit=E10000024&period=2023/24', null],
  ['open data', '/open', null],
  ['open data indicator', '/open/indicators/FRS01', null],
  ['open data area', '/open/areas/NFRS', null],
  ['data tables', '/data-tables', null],
  ['a data table', '/data-tables/NFRS-FIRE-PROSECUTIONS-2023-24', null],
  ['define a data table', '/data-tables/new', null],
  ['open data table', '/open/tables/NFRS-FIRE-PROSECUTIONS-2023-24', null],
  ['the national framework', '/framework', null],
  ['a local area agreement', '/framework/laas/NOTTS-LAA', null],
  ['a local area agreement, printable', '/framework/laas/NOTTS-LAA?print=1', null],
  ['an indicator set', '/framework/sets/NIS', null],
  ['a framework of key lines of enquiry', '/framework/frameworks/FIRE-CPA', null],
  ['an assessment', '/framework/assessments/1', null],
  ['deleting an assessment, refused', '/framework/assessments/1/delete', null],
  ['deleting a framework, refused', '/framework/frameworks/FIRE-CPA/delete', null],
  ['data entry by indicator set', '/entry/E10000024?period=2008/09&set=NIS', null],
  ['data returns by indicator set', '/returns?set=NIS', null],
  ['committee reports', '/reports', null],
  ['an issued quarterly report', '/reports/1', 'Front sheet'],
  ['a benchmarking report', '/units/E07000174/reports/benchmark?period=2024%2F25', 'Indicators'],
  ['page not found', '/no-such-page', 'Page not found'],
];

/** A laptop and a phone. */
const VIEWPORTS = [
  ['1366x900', { width: 1366, height: 900 }],
  ['390x844', { width: 390, height: 844 }],
];

for (const [size, viewport] of VIEWPORTS) {
  for (const [name, path, ready] of PAGES) {
    test(`${name} page (${path}) has no serious accessibility problem at ${size}`, async () => {
      await withPage(`a11y ${name} ${size}`, async (page) => {
        await page.goto(path);
        await page.getByRole('heading', { level: 1 }).first().waitFor();
        if (ready) await page.getByText(ready, { exact: true }).first().waitFor();
        await checkAccessibility(page, `${name} ${size}`);
        // The phone's folded parts are checked open too.
        for (const details of await page.locator('main details:visible').all()) {
          await details.evaluate((d) => { d.open = true; });
        }
        await checkAccessibility(page, `${name} ${size} opened`);
      }, { viewport });
    });
  }
}

test('data entry with an error shown has no serious accessibility problem', async () => {
  await withPage('a11y entry error', async (page) => {
    await page.goto('/entry/NFRS-ARNOLD?period=2025-03');
    // A figure that is not a number: refused, and nothing is saved.
    await page.getByLabel('Value for FRS01').fill('not a number');
    await page.getByRole('button', { name: 'Save values' }).click();
    await page.getByRole('alert').filter({ hasText: 'There is a problem' }).waitFor();
    await checkAccessibility(page, 'data entry with an error');
  });
});

test('import preview listing problems has no serious accessibility problem', async () => {
  await withPage('a11y import problems', async (page) => {
    await uploadForImport(page, 'Values', 'a11y-values.csv', 'indicator,org_unit,period,value\nNI192,E07000170,2014/15,wrong\n');
    await page.getByRole('table', { name: /Problems in/ }).waitFor();
    await checkAccessibility(page, 'import problems');
  });
});

test('import preview of a good file has no serious accessibility problem', async () => {
  await withPage('a11y import preview', async (page) => {
    // Previewed, never confirmed: nothing is written.
    await uploadForImport(page, 'Values', 'a11y-values.csv', 'indicator,org_unit,period,value\nNI192,E07000170,2014/15,30\n');
    await page.getByRole('button', { name: /^Import 1 value/ }).waitFor();
    await checkAccessibility(page, 'import preview');
  });
});

for (const [size, viewport] of VIEWPORTS) {
  test(`API documentation (Swagger UI) has no serious accessibility problem at ${size}`, async () => {
    await withPage(`a11y api docs ${size}`, async (page) => {
      await page.goto('/api/docs/');
      await page.getByText('Stocktake API').first().waitFor();
      await page.locator('.opblock').first().waitFor();
      // The way back into the app.
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Scorecard' }).waitFor();
      await checkAccessibility(page, `API documentation ${size}`);
    }, { viewport });
  });
}
