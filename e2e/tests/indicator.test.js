// An indicator's page and a unit's page: what a performance officer reads
// there, and where its links lead.

import assert from 'node:assert/strict';
import test from 'node:test';
import { useBrowser } from '../lib/browser.js';
import { figureIn, readTable, statusIn } from '../lib/stocktake.js';

const withPage = useBrowser();

test('an indicator page shows its definition, a trend chart, the periods with commentary and the units below', async () => {
  await withPage('indicator page', async (page) => {
    await page.goto('/indicators/FRS01?unit=NFRS&period=2025-03');
    await page.getByRole('heading', { level: 1, name: 'Primary fires per 10,000 population' }).waitFor();

    await page.getByRole('heading', { name: 'Definition' }).waitFor();
    await page.getByText(/All primary fires attended/).waitFor();
    await page.getByText('Head of Prevention').waitFor();

    // The trend is an SVG drawn on the server, named for screen readers.
    await page.getByRole('heading', { name: 'Trend' }).waitFor();
    const trend = page.locator('figure.chart svg').first();
    await trend.waitFor();
    assert.ok((await trend.getAttribute('role')) === 'img' || (await trend.locator('title').count()) > 0, 'the trend chart has a name');

    // Every period, latest first, with the numerator and denominator of the ratio.
    const periods = await readTable(page.getByRole('table', { name: /each period/ }));
    assert.ok(periods.length >= 12, `a year of months or more (saw ${periods.length})`);
    assert.equal(periods[0].Period, 'Mar 2025', 'latest first');
    for (const heading of ['Value', 'Year to date', 'Numerator', 'Denominator', 'Status', 'Commentary']) {
      assert.ok(heading in periods[0], `the periods table has a ${heading} column`);
    }
    // FRS01's targets are annual, so the table says they judge the year to date.
    assert.ok('Target (year to date)' in periods[0], `the target column says what it judges (saw ${Object.keys(periods[0])})`);
    // A ratio's value is numerator / denominator x 10,000.
    const [value, numerator, denominator] = [periods[0].Value, periods[0].Numerator, periods[0].Denominator].map((t) => Number(figureIn(t).replace(/,/g, '')));
    assert.ok(Math.abs(value - (numerator / denominator) * 10_000) < 0.006, `${value} = ${numerator} / ${denominator} x 10,000`);
    assert.ok(periods.every((r) => statusIn(r.Status)), 'every period has a status in words');

    // The service's groups, as bars and as a table, each leading to the group's page.
    const breakdown = await readTable(page.getByRole('table', { name: /each unit below/ }));
    assert.deepEqual(breakdown.map((r) => r.Unit.replace(/\s*NFRS-\S+$/, '')).sort(), ['City', 'North', 'South']);
    assert.ok(breakdown.every((r) => figureIn(r.Value)), 'every group has a figure');
    await page.locator('figure.chart svg:visible').nth(1).waitFor();

    await page.getByRole('table', { name: /each unit below/ }).getByRole('link', { name: 'City' }).click();
    await page.waitForURL(/\/indicators\/FRS01\?unit=NFRS-CITY&period=2025-03/);
    await page.getByRole('navigation', { name: 'Breadcrumb' }).getByRole('link', { name: 'Nottinghamshire Fire and Rescue Service' }).waitFor();
  });
});

test('a month with commentary shows it in the periods table', async () => {
  await withPage('indicator commentary', async (page) => {
    await page.goto('/indicators/FRS08?unit=NFRS&period=2025-03');
    const periods = await readTable(page.getByRole('table', { name: /each period/ }));
    const explained = periods.filter((r) => r.Commentary);
    assert.ok(explained.length > 0, 'the demo explains some months of sickness absence');
  });
});

test('a unit page shows where the unit sits and the statuses of the units below', async () => {
  await withPage('unit page', async (page) => {
    await page.goto('/units/NFRS-CITY?period=2025-03');
    await page.getByRole('heading', { level: 1, name: 'City' }).waitFor();
    const crumbs = page.getByRole('navigation', { name: 'Breadcrumb' });
    await crumbs.getByRole('link', { name: 'Nottinghamshire Fire and Rescue Service' }).waitFor();

    const children = await readTable(page.getByRole('table', { name: /Units below City/ }));
    assert.ok(children.length > 0, 'City has units below it');
    for (const child of children) {
      const counted = ['Off target', 'Near target', 'On target', 'No target or not rated', 'No data'].reduce((n, h) => n + Number(child[h]), 0);
      assert.ok(counted > 0, `${child.Unit}: its indicators are counted by status`);
    }

    // Down to a station, which has no units below.
    await page.getByRole('table', { name: /Units below City/ }).getByRole('rowheader').getByRole('link').first().click();
    await page.waitForURL(/\/units\/NFRS-E06000018\?period=2025-03/);
    const stations = await readTable(page.getByRole('table', { name: /Units below/ }));
    assert.deepEqual(stations.map((r) => r.Unit.split(' NFRS-')[0]).sort(), ['London Road', 'Stockhill']);
    await page.getByRole('link', { name: 'Stockhill', exact: true }).click();
    await page.waitForURL(/\/units\/NFRS-STOCKHILL/);
    await page.getByText('Stockhill has no units below it').waitFor();
    await crumbs.getByRole('link', { name: 'City' }).click();
    await page.waitForURL(/\/units\/NFRS-CITY/);
  });
});
