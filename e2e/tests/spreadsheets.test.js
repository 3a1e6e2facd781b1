// Spreadsheets as a performance officer downloads them, in the demo: the
// regional risk register and the fire service's CPA plan each offer an
// Excel workbook beside their CSV, found by the link's words; each answers
// as an Excel file (a zip archive holding a workbook with a second sheet,
// Columns). axe-core checks the pages the links are on.

import assert from 'node:assert/strict';
import test from 'node:test';
import { checkAccessibility, useBrowser } from '../lib/browser.js';

const withPage = useBrowser();

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

for (const [what, path, link, as] of [
  ['the regional risk register', '/risks/EMRIEP', 'Download the register (XLSX)', 'emriep'],
  ['the CPA improvement plan', '/plans/NFRS-CPA-2005', 'Download the action points (XLSX)', 'viewer'],
]) {
  test(`${what} downloads as an Excel workbook`, async () => {
    await withPage(`${what} xlsx`, async (page) => {
      await page.goto(path);
      const href = await page.getByRole('link', { name: link }).getAttribute('href');
      assert.match(href, /\.xlsx$/);
      const response = await page.request.get(href);
      assert.equal(response.status(), 200);
      assert.equal(response.headers()['content-type'], XLSX);
      const body = await response.body();
      assert.equal(body.subarray(0, 2).toString('latin1'), 'PK', 'a zip archive, as every workbook is');
      assert.ok(body.includes(Buffer.from('xl/worksheets/sheet2.xml')), 'a second sheet: Columns');
      await checkAccessibility(page, `${what} with its downloads`);
    }, { as });
  });
}
