// Data tables in the demo: the public, not signed in, finds the fire
// service's published prosecutions table on the portal, reads it as a table
// with its caption and licence line at both widths, and downloads it as CSV
// and JSON with the column definitions. An administrator imports a file
// with a bad row (refused whole, the problem listed by line and column),
// withdraws the table and publishes it again. axe-core checks the pages.

import assert from 'node:assert/strict';
import test from 'node:test';
import { checkAccessibility, useBrowser } from '../lib/browser.js';

const withPage = useBrowser();
const CODE = 'NFRS-FIRE-PROSECUTIONS-2023-24';

test('the public reads the published prosecutions table and its downloads', async () => {
  for (const viewport of [{ width: 1366, height: 900 }, { width: 390, height: 844 }]) {
    await withPage(`open data table ${viewport.width}`, async (page) => {
      await page.goto('/open?q=prosecutions');
      await page.getByRole('heading', { name: /1 data table matches “prosecutions”/ }).waitFor();
      await page.getByRole('link', { name: 'Fire safety prosecutions 2023/24' }).click();
      await page.getByRole('heading', { level: 1, name: /Fire safety prosecutions 2023\/24/ }).waitFor();
      const table = page.getByRole('table', { name: /Fire safety prosecutions 2023\/24: 6 rows/ });
      await table.waitFor();
      const text = await table.innerText();
      assert.match(text, /Takeaway with flat above/);
      assert.match(text, /Nottingham/);
      assert.match(text, /45,000\.00/);
      assert.match(await page.locator('main').innerText(), /Open Government Licence v3\.0/);
      await checkAccessibility(page, `open data table ${viewport.width}`);

      const csv = await (await page.request.get(`/open/tables/${CODE}.csv`)).text();
      assert.match(csv, /^# NFRS-FIRE-PROSECUTIONS-2023-24: Fire safety prosecutions 2023\/24\n/);
      assert.match(csv, /# Column fine: Fine \(£\) \(number, 2 decimals\)/);
      assert.match(csv, /\ndate_of_hearing,court,premises_type,district,articles_breached,outcome,fine,costs\n/);
      const json = await (await page.request.get(`/open/tables/${CODE}.json`)).json();
      assert.equal(json.rows.length, 6);
      assert.equal(json.columns[3].type, 'unit');
    }, { viewport, as: null });
  }
});

test('an administrator sees a bad file refused whole, and withdraws and republishes the table', async () => {
  await withPage('data table admin', async (page) => {
    await page.goto(`/data-tables/${CODE}`);
    await page.getByRole('heading', { level: 1, name: /Fire safety prosecutions 2023\/24/ }).waitFor();
    await checkAccessibility(page, 'data table page');
    await page.getByLabel('CSV file of rows').setInputFiles({
      name: 'bad.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from('date_of_hearing,court,premises_type,district,articles_breached,outcome,fine,costs\n2024-02-30,Court,Shop,NFRS-NOWHERE,Article 8,Guilty plea,1,1\n'),
    });
    await page.getByRole('button', { name: 'Import the rows' }).click();
    await page.getByRole('heading', { name: 'bad.csv was not imported' }).waitFor();
    const problems = await page.locator('#problems').innerText();
    assert.match(problems, /Line 2, column date_of_hearing: .*"2024-02-30" is not a date/);
    assert.match(problems, /Line 2, column district: .*no organisation unit has the code "NFRS-NOWHERE"/);
    assert.match(await page.locator('main').innerText(), /Rows 1 to 6 of 6/);
    await checkAccessibility(page, 'data table import problems');

    await page.getByRole('button', { name: 'Withdraw from the open-data portal' }).click();
    await page.getByRole('button', { name: 'Publish on the open-data portal' }).waitFor();
    assert.equal((await page.request.get(`/open/tables/${CODE}`)).status(), 404);
    await page.getByRole('button', { name: 'Publish on the open-data portal' }).click();
    await page.getByRole('button', { name: 'Withdraw from the open-data portal' }).waitFor();
    assert.equal((await page.request.get(`/open/tables/${CODE}`)).status(), 200);
  });
});
