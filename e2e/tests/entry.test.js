// Data entry: a station sends a month's figures. A figure that would be off
// target needs commentary; once saved it is on the scorecard at once.
//
// The station and month (Arnold, April 2019) are before the demo's data
// begins, so what this test writes changes no figure the other tests read,
// whichever order they run in.

import assert from 'node:assert/strict';
import test from 'node:test';
import { useBrowser } from '../lib/browser.js';
import { confirmImport, enteredValues, readTable, statusIn, uploadForImport } from '../lib/stocktake.js';

const withPage = useBrowser();

const STATION = 'NFRS-ARNOLD';
const MONTH = '2019-04';
const ARNOLD_APRIL_2019 = `indicator=FRS01&org_unit=${STATION}&from=${MONTH}&to=${MONTH}`;

test('a figure that would be off target is refused without commentary, then saved with it and shown on the scorecard', async () => {
  await withPage('data entry', async (page) => {
    // The demo sets targets for the service and its groups; the performance
    // team gives the station its own for the month first.
    await uploadForImport(page, 'Targets', 'arnold-target.csv', `indicator,org_unit,period,target,tolerance\nFRS01,${STATION},${MONTH},0.50,5\n`);
    assert.match(await confirmImport(page, { ratify: true }), /1 target imported/);

    await page.goto(`/entry/${STATION}?period=${MONTH}`);
    await page.getByRole('heading', { level: 1, name: 'Arnold, Apr 2019' }).waitFor();
    const fires = page.getByRole('group', { name: /Primary fires per 10,000 population/ });
    await fires.getByText('Target 0.50').waitFor();

    // 30 fires in 60,000 people is 5.00 per 10,000: ten times the target.
    await page.getByLabel('Numerator for FRS01').fill('30');
    await page.getByLabel('Denominator for FRS01').fill('60000');
    await page.getByRole('button', { name: 'Save values' }).click();

    const summary = page.getByRole('alert').filter({ hasText: 'There is a problem' });
    await summary.waitFor();
    const commentary = page.getByLabel('Commentary for FRS01');
    assert.equal(await commentary.getAttribute('aria-invalid'), 'true', 'the commentary field is marked as in error');
    const message = await page.locator(`#${await commentary.getAttribute('aria-describedby')}`).innerText();
    assert.match(message, /commentary/i, `the error beside the field names the commentary: ${message}`);
    assert.match(message, /off target/i);
    // The summary's link leads to the field at fault.
    const link = summary.getByRole('link').first();
    assert.match(await link.innerText(), /commentary/i);
    assert.equal(await link.getAttribute('href'), `#${await commentary.getAttribute('id')}`);
    // What was typed is kept, and nothing was saved.
    assert.equal(await page.getByLabel('Numerator for FRS01').inputValue(), '30');
    assert.deepEqual(await enteredValues(ARNOLD_APRIL_2019), []);

    await commentary.fill('Three deliberate fires in derelict garages on one night; patrols and a clear-up with the council are under way.');
    await page.getByRole('button', { name: 'Save values' }).click();
    // Post/Redirect/Get: the confirmation is a page of its own.
    await page.waitForURL(new RegExp(`/entry/${STATION}\\?period=${MONTH}&saved=1&codes=FRS01$`));
    const banner = page.getByRole('status');
    assert.match(await banner.innerText(), /1 value saved/);
    // The confirmation says what was saved: the figure with its unit, and its status.
    assert.match(await banner.innerText(), /Primary fires per 10,000 population \(FRS01\): 5\.00 per 10,000 population, off target/);
    const [saved] = await enteredValues(ARNOLD_APRIL_2019);
    assert.equal(saved?.numerator, 30);
    assert.equal(saved?.denominator, 60000);

    await banner.getByRole('link', { name: /View the scorecard/ }).click();
    await page.waitForURL(new RegExp(`/scorecard/${STATION}\\?period=${MONTH}`));
    const rows = [];
    for (const table of await page.locator('main table').all()) rows.push(...(await readTable(table)));
    const row = rows.find((r) => r.Indicator.includes('FRS01'));
    assert.ok(row, 'FRS01 is on the scorecard');
    // The month has its own target, so the month's figure is the one judged.
    assert.match(row['Figure judged'], /^5\.00 per 10,000 population\b/, `the new value (cell: ${row['Figure judged']})`);
    assert.match(row.Target, /^0\.50\b/);
    assert.equal(statusIn(row.Status), 'Off target');
    // Off target: its commentary is shown open beside the indicator.
    assert.match(row.Indicator, /derelict garages/);
  });
});

test('the entry form is prefilled with what is held and says each indicator\'s status', async () => {
  await withPage('data entry prefilled', async (page) => {
    await page.goto(`/entry/${STATION}?period=2025-03`);
    await page.getByRole('heading', { level: 1, name: 'Arnold, Mar 2025' }).waitFor();
    const [held] = await enteredValues(`indicator=FRS01&org_unit=${STATION}&from=2025-03&to=2025-03`);
    assert.ok(held, 'the demo holds Arnold\'s March 2025 return');
    assert.equal(Number(await page.getByLabel('Numerator for FRS01').inputValue()), held.numerator);
    assert.equal(Number(await page.getByLabel('Denominator for FRS01').inputValue()), held.denominator);
    const fires = page.getByRole('group', { name: /Primary fires per 10,000 population/ });
    assert.ok(statusIn(await fires.innerText()), 'the status is given in words');

    // Saving with nothing changed saves nothing, and says so.
    await page.getByRole('button', { name: 'Save values' }).click();
    await page.waitForURL(/saved=0$/);
    assert.match(await page.getByRole('status').innerText(), /No values changed/);
  });
});

test('a council is offered only the indicators collected for it', async () => {
  await withPage('entry applies', async (page) => {
    // Rushcliffe, a district council: no fire service indicator is due from it.
    await page.goto('/entry/E07000176?period=2025-03');
    await page.getByRole('heading', { level: 1, name: 'Rushcliffe, Mar 2025' }).waitFor();
    assert.equal(await page.getByRole('group', { name: /FRS0/ }).count(), 0, 'no fire indicator on a council\'s monthly form');
    // The council's figures are quarterly and annual: the page leads there.
    await page.getByRole('link', { name: /Enter Rushcliffe's figures for 2024\/25 Q4/ }).click();
    await page.getByRole('group', { name: /NI181/ }).waitFor();
  });
});
