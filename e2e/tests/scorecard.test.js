// The reading journey: the home page's summary, a unit's scorecard, and an
// indicator's own page, with the same figures wherever they appear.

import assert from 'node:assert/strict';
import test from 'node:test';
import { useBrowser } from '../lib/browser.js';
import { readFile } from 'node:fs/promises';
import { STATUS_LABELS, figureIn, parseCsv, readTable, statusIn } from '../lib/stocktake.js';

const withPage = useBrowser();

const SERVICE = 'Nottinghamshire Fire and Rescue Service';

/** The scorecard's rows (every set's table), keyed by column heading. */
async function scorecardRows(page) {
  const rows = [];
  for (const table of await page.locator('main table').all()) {
    rows.push(...(await readTable(table)));
  }
  return rows;
}

test('from the home page to a scorecard and on to an indicator, the figures agree', async () => {
  await withPage('home to scorecard to indicator', async (page) => {
    await page.goto('/');
    await page.getByLabel('Organisation unit', { exact: true }).selectOption('NFRS');
    await page.getByLabel('Period', { exact: true }).selectOption('2025-03');
    await page.getByRole('button', { name: 'Show' }).click();
    await page.waitForURL(/[?&]unit=NFRS\b/);
    await assertHeading(page, SERVICE);

    // Headline counts: a number beside each of green, amber and red, in words.
    const counts = {};
    for (const label of ['On target', 'Near target', 'Off target']) {
      const link = page.getByRole('link', { name: new RegExp(`^\\d+\\s+${label}$`) });
      await link.first().waitFor();
      counts[label] = Number(figureIn(await link.first().innerText()));
    }
    assert.ok(counts['On target'] + counts['Near target'] + counts['Off target'] > 0, 'some indicators are rated');
    await page.getByRole('heading', { name: 'Biggest improvements' }).waitFor();
    await page.getByRole('heading', { name: 'Biggest deteriorations' }).waitFor();

    await page.getByRole('link', { name: 'View the scorecard' }).click();
    await page.waitForURL(/\/scorecard\/NFRS\?period=2025-03/);
    await assertHeading(page, SERVICE);
    const rows = await scorecardRows(page);
    assert.ok(rows.length >= 8, `the scorecard lists the eight fire indicators (saw ${rows.length} rows)`);
    // The scorecard's counts by status agree with the home page's.
    for (const [label, count] of Object.entries(counts)) {
      assert.equal(rows.filter((r) => statusIn(r.Status) === label).length, count, `${label} on the scorecard and the home page`);
    }
    const row = rows.find((r) => r.Indicator.includes('FRS01'));
    assert.ok(row, 'FRS01 is on the scorecard');
    const value = figureIn(row['Period figure']);
    const judged = figureIn(row['Figure judged']);
    const status = statusIn(row.Status);
    assert.ok(value, `FRS01 has the month's figure on the scorecard (cell: ${row['Period figure']})`);
    assert.ok(status, `FRS01 has a status in words on the scorecard (cell: ${row.Status})`);
    // The figure judged is the year to date, against the annual target, said in words.
    assert.match(row['Figure judged'], /Year to date, Apr 2024 to Mar 2025/);
    assert.match(row.Target, /2024\/25 annual target/);

    await page.getByRole('link', { name: 'Primary fires per 10,000 population', exact: true }).click();
    await page.waitForURL(/\/indicators\/FRS01\?unit=NFRS&period=2025-03/);
    await assertHeading(page, 'Primary fires per 10,000 population');
    // The periods table has the same figure and status for March 2025.
    const periods = await readTable(page.getByRole('table', { name: /each period/ }));
    const march = periods.find((r) => r.Period === 'Mar 2025');
    assert.ok(march, 'March 2025 is in the indicator page periods table');
    assert.equal(figureIn(march.Value), value, 'the value on the indicator page matches the scorecard');
    assert.equal(figureIn(march['Year to date']), judged, 'the year to date on the indicator page is the figure the scorecard judges');
    assert.equal(statusIn(march.Status), status, 'the status on the indicator page matches the scorecard');
  });
});

test('every status on the scorecard is written in words, not shown by colour alone', async () => {
  await withPage('status in words', async (page) => {
    await page.goto('/scorecard/E06000018?period=2024/25');
    const rows = await scorecardRows(page);
    assert.ok(rows.length > 0, 'Nottingham\'s scorecard has indicators');
    for (const row of rows) {
      assert.ok(statusIn(row.Status), `the status of "${row.Indicator}" reads as one of ${STATUS_LABELS.join(', ')} (cell: "${row.Status}")`);
    }
    // The words are there for everyone, not only for screen readers.
    const labels = await page.locator('main td .status__label').all();
    assert.equal(labels.length, rows.length, 'one status label a row');
    for (const label of labels) {
      assert.ok(await label.isVisible(), 'the status words are visible');
    }
    // The same on the fire service's scorecard, which has every colour.
    await page.goto('/scorecard/NFRS?period=2025-03');
    for (const row of await scorecardRows(page)) {
      assert.ok(statusIn(row.Status), `the status of "${row.Indicator}" is in words (cell: "${row.Status}")`);
    }
  });
});

test('filtering the scorecard by status shows only that status', async () => {
  await withPage('scorecard filter', async (page) => {
    await page.goto('/scorecard/NFRS?period=2025-03');
    const all = await scorecardRows(page);
    const filters = page.getByRole('navigation', { name: 'Filter by status' });
    const offTarget = all.filter((r) => statusIn(r.Status) === 'Off target').length;
    assert.ok(offTarget > 0, 'the demo has an indicator off target in March 2025');
    await filters.getByRole('link', { name: `Off target (${offTarget})` }).click();
    await page.waitForURL(/status=red/);
    const shown = await scorecardRows(page);
    assert.equal(shown.length, offTarget);
    assert.ok(shown.every((r) => statusIn(r.Status) === 'Off target'));
    await filters.getByRole('link', { name: `All (${all.length})` }).click();
    await page.waitForURL((url) => !url.searchParams.has('status'));
    assert.equal((await scorecardRows(page)).length, all.length);
  });
});

test('sorting the scorecard by a column orders its rows, and again reverses them', async () => {
  await withPage('scorecard sort', async (page) => {
    await page.goto('/scorecard/NFRS?period=2025-03');
    const table = page.locator('main table').first();
    const valueHeading = table.getByRole('columnheader', { name: 'Figure judged', exact: true });

    await valueHeading.getByRole('link').click();
    await page.waitForURL(/sort=judged&dir=asc/);
    assert.equal(await valueHeading.getAttribute('aria-sort'), 'ascending');
    const ascending = numbers(await readTable(table));
    assert.ok(ascending.length > 1, 'several values to sort');
    assert.deepEqual(ascending, [...ascending].sort((a, b) => a - b), 'values ascending');

    await valueHeading.getByRole('link').click();
    await page.waitForURL(/sort=judged&dir=desc/);
    assert.equal(await valueHeading.getAttribute('aria-sort'), 'descending');
    const descending = numbers(await readTable(table));
    assert.deepEqual(descending, [...descending].sort((a, b) => b - a), 'values descending');

    // Status sorts worst first.
    await table.getByRole('columnheader', { name: 'Status', exact: true }).getByRole('link').click();
    await page.waitForURL(/sort=status/);
    const order = (await readTable(table)).map((r) => STATUS_LABELS.indexOf(statusIn(r.Status)));
    const rank = (i) => ['Off target', 'Near target', 'On target', 'Not rated', 'No target', 'No data'].indexOf(STATUS_LABELS[i]);
    assert.deepEqual(order.map(rank), [...order.map(rank)].sort((a, b) => a - b), 'worst status first');
  });
});

test('choosing, filtering and sorting work without JavaScript', async () => {
  await withPage('no javascript', async (page) => {
    await page.goto('/');
    await page.getByLabel('Organisation unit', { exact: true }).selectOption('E06000018');
    await page.getByLabel('Period', { exact: true }).selectOption('2024/25');
    await page.getByRole('button', { name: 'Show' }).click();
    await page.waitForURL(/unit=E06000018/);
    await assertHeading(page, 'Nottingham');
    await page.getByRole('link', { name: 'View the scorecard' }).click();
    await page.waitForURL(/\/scorecard\/E06000018\?period=2024%2F25/);
    await page.getByRole('navigation', { name: 'Filter by status' }).getByRole('link', { name: /^On target/ }).click();
    await page.waitForURL(/status=green/);
    assert.ok((await scorecardRows(page)).every((r) => statusIn(r.Status) === 'On target'));
    await page.locator('main table').first().getByRole('columnheader', { name: 'Figure judged', exact: true }).getByRole('link').click();
    await page.waitForURL(/status=green&sort=judged&dir=asc/);
  }, { javaScriptEnabled: false });
});

test('the scorecard downloads as CSV with the figures on the page', async () => {
  await withPage('scorecard csv', async (page) => {
    await page.goto('/scorecard/NFRS?period=2025-03');
    const shown = await scorecardRows(page);
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download CSV' }).click()]);
    assert.match(download.suggestedFilename(), /\.csv$/);
    const rows = parseCsv(await readFile(await download.path(), 'utf8'));
    assert.equal(rows.length, shown.length, 'one CSV row per indicator on the page');
    for (const row of shown) {
      const code = row.Indicator.match(/FRS\d\d/)[0];
      const csv = rows.find((r) => r.indicator === code);
      assert.ok(csv, `${code} is in the CSV`);
      assert.equal(csv.status_label, statusIn(row.Status), `${code} status`);
      const value = figureIn(row['Period figure']);
      if (value) {
        // The CSV may carry more decimals than the page shows.
        const decimals = value.split('.')[1]?.length ?? 0;
        assert.equal(Number(csv.value).toFixed(decimals), value.replace(/,/g, ''), `${code} value`);
      }
    }
  });
});

function numbers(rows) {
  return rows.map((r) => figureIn(r['Figure judged'])).filter(Boolean).map((v) => Number(v.replace(/,/g, '')));
}

async function assertHeading(page, name) {
  await page.getByRole('heading', { level: 1, name }).waitFor();
}
