// Importing a file: every problem listed by line before anything is written;
// a good file previewed, confirmed and written.
//
// The file holds recycling rates for 2014/15, a year before the demo's data
// begins, so what this test writes changes no figure the other tests read.

import assert from 'node:assert/strict';
import test from 'node:test';
import { useBrowser } from '../lib/browser.js';
import { confirmImport, enteredValues, figureIn, readTable, uploadForImport } from '../lib/stocktake.js';

const withPage = useBrowser();

const RECYCLING_2014_15 = 'indicator=NI192&from=2014/15&to=2014/15';
const HEADER = 'indicator,org_unit,period,value,numerator,denominator,note';

test('a values file with a bad line writes nothing and names the line and column; the corrected file is written', async () => {
  await withPage('import', async (page) => {
    const bad = [
      HEADER,
      'NI192,E07000170,2014/15,,14180,43365,',
      'NI192,E07999999,2014/15,,12000,41000,',
      'NI192,E07000172,2014/15,,15320,40010,Garden waste collection extended to every household',
    ].join('\n');
    await uploadForImport(page, 'Values', 'recycling-2014-15.csv', bad);
    await page.getByRole('heading', { level: 1, name: 'There is a problem in recycling-2014-15.csv' }).waitFor();
    await page.getByText(/Nothing was written/).waitFor();
    const problems = await readTable(page.getByRole('table', { name: /Problems in recycling-2014-15.csv/ }));
    assert.equal(problems.length, 1, `one problem: ${JSON.stringify(problems)}`);
    assert.equal(problems[0].Line, '3');
    assert.equal(problems[0].Column, 'org_unit');
    assert.match(problems[0].Problem, /E07999999/);
    assert.deepEqual(await enteredValues(RECYCLING_2014_15), [], 'nothing was written');

    const good = bad.replace('E07999999', 'E07000171');
    await uploadForImport(page, 'Values', 'recycling-2014-15.csv', good);
    await page.getByRole('heading', { level: 1, name: 'Check recycling-2014-15.csv before importing' }).waitFor();
    await page.getByText(/3 values and no problems\. Nothing has been written yet/).waitFor();
    const preview = await readTable(page.getByRole('table', { name: /Every row of recycling-2014-15.csv/ }));
    assert.deepEqual(preview.map((r) => r.org_unit), ['E07000170', 'E07000171', 'E07000172']);
    assert.deepEqual(await enteredValues(RECYCLING_2014_15), [], 'a preview writes nothing');

    assert.match(await confirmImport(page), /3 values imported/);
    const written = await enteredValues(RECYCLING_2014_15);
    assert.deepEqual(
      written.map((v) => [v.org_unit, v.numerator, v.denominator]),
      [['E07000170', 14180, 43365], ['E07000171', 12000, 41000], ['E07000172', 15320, 40010]],
    );
    assert.equal(written[2].note, 'Garden waste collection extended to every household');

    // And the figures are on the pages at once: Ashfield's 14,180 / 43,365 = 32.7%.
    await page.goto('/indicators/NI192?unit=E07000170&period=2014/15');
    const periods = await readTable(page.getByRole('table', { name: /each period/ }));
    const year = periods.find((r) => r.Period === '2014/15');
    assert.ok(year, '2014/15 is on Ashfield\'s recycling page');
    assert.equal(figureIn(year.Value), '32.7');
  });
});

test('a file of the wrong shape is refused on line 1, naming the missing column', async () => {
  await withPage('import wrong columns', async (page) => {
    await uploadForImport(page, 'Values', 'no-period.csv', 'indicator,org_unit,value\nNI192,E07000170,30\n');
    const problems = await readTable(page.getByRole('table', { name: /Problems in no-period.csv/ }));
    assert.ok(problems.some((p) => p.Line === '1' && /period/.test(p.Problem)), `line 1 names the period column: ${JSON.stringify(problems)}`);
  });
});
