// Benchmarking as a regional improvement team uses it, in the demo: the
// real recycling rate of Nottinghamshire's districts drawn and tabled with
// Mansfield picked out, a council beside its nearest neighbours, the
// regional picture drilling from a count to its evidence, the downloads,
// and a viewer kept to their scope. axe-core checks each page on a laptop
// and a phone.

import assert from 'node:assert/strict';
import test from 'node:test';
import { checkAccessibility, useBrowser } from '../lib/browser.js';
import { readTable } from '../lib/stocktake.js';

const withPage = useBrowser();

const LAPTOP = { width: 1366, height: 900 };
const PHONE = { width: 390, height: 844 };

const BENCHMARK = '/benchmark?indicator=NI192&period=2023/24&level=district&under=E10000024&unit=E07000174';
const PICTURE = '/picture/E12000004?level=district&year=2024/25';

test('the benchmark page draws every district and tables them, Mansfield picked out', async () => {
  await withPage('benchmark nottinghamshire', async (page) => {
    await page.goto(BENCHMARK);
    await page.getByRole('heading', { level: 1, name: /Percentage of household waste/ }).waitFor();
    // The chart: a dot per district, the quartile bands and the median line.
    const chart = page.locator('figure.chart svg');
    await chart.waitFor();
    assert.equal(await chart.locator('g.dots circle').count(), 6, 'six dots and one diamond');
    assert.equal(await chart.locator('g.dots path').count(), 1);
    assert.equal(await chart.locator('g.quartile-bands rect').count(), 4);
    assert.match(await chart.locator('g.median text').textContent(), /Median 34\.9/);
    // Its table, the accessible alternative, ranks them best first.
    const rows = await readTable(page.getByRole('table', { name: /best first/ }));
    assert.deepEqual(rows.map((r) => r.Rank), ['1', '2', '3', '4', '5', '6', '7']);
    assert.match(rows[0].Unit, /Rushcliffe/);
    const mansfield = rows.find((r) => /Mansfield/.test(r.Unit));
    assert.match(mansfield.Unit, /\(chosen\)/, 'picked out in words, not colour alone');
    assert.equal(mansfield.Figure, '30.6');
    assert.match(mansfield.Quartile, /4 \(worst quarter\)/);
    // The set's statistics.
    const stats = page.locator('#statistics');
    for (const text of ['Median', '34.9', 'Lower quartile', '32.2', 'Upper quartile', '35.8', '35.0']) {
      assert.ok((await stats.textContent()).includes(text), text);
    }
    // Its CSV carries the columns.
    const csv = await page.request.get(await page.getByRole('link', { name: 'Download the benchmark as CSV' }).getAttribute('href'));
    assert.equal(csv.status(), 200);
    const text = await csv.text();
    assert.ok(text.startsWith('org_unit,value,rank,quartile,percentile,distance_from_median,quartile_label\nE07000176,47.4,1,1,100,12.5,Best quarter\n'), text);
    await checkAccessibility(page, 'benchmark laptop');
  }, { viewport: LAPTOP });
});

test('the benchmark page reads on a phone through its table', async () => {
  await withPage('benchmark phone', async (page) => {
    await page.goto(BENCHMARK);
    await page.getByRole('table', { name: /best first/ }).waitFor();
    const wide = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
    assert.equal(wide, false, 'no page wider than the screen');
    await checkAccessibility(page, 'benchmark phone');
  }, { viewport: PHONE });
});

test('a council is compared with its nearest neighbours from its own page', async () => {
  await withPage('neighbours mansfield', async (page) => {
    await page.goto('/units/E07000174?period=2025-03');
    await page.getByRole('link', { name: 'Mansfield compared with its nearest neighbours' }).click();
    await page.getByRole('heading', { level: 1, name: 'Mansfield compared with its nearest neighbours' }).waitFor();
    assert.equal(await page.locator('main ol.list li').count(), 8, 'eight neighbours');
    const rows = await readTable(page.getByRole('table', { name: /among its nearest neighbours/ }));
    const recycling = rows.find((r) => r.Indicator.startsWith('NI192'));
    assert.ok(recycling, 'recycling compared');
    assert.equal(recycling.Period, '2023/24');
    assert.match(recycling.Rank, / of 9$/);
    // Each line leads to the benchmark it summarises.
    await page.getByRole('link', { name: /^NI192 / }).click();
    await page.getByRole('heading', { level: 1, name: /2023\/24/ }).waitFor();
    assert.match(await page.locator('.lead').textContent(), /Mansfield's nearest neighbours and Mansfield itself/);
    await checkAccessibility(page, 'neighbours benchmark');
  }, { viewport: LAPTOP });
  for (const [size, viewport] of [['laptop', LAPTOP], ['phone', PHONE]]) {
    await withPage(`neighbours a11y ${size}`, async (page) => {
      await page.goto('/units/E07000174/neighbours?period=2025-03');
      await page.getByRole('heading', { level: 1 }).waitFor();
      await checkAccessibility(page, `neighbours ${size}`);
    }, { viewport });
  }
});

test('the regional picture names coasting councils and a count drills to its evidence', async () => {
  await withPage('picture east midlands', async (page) => {
    await page.goto(PICTURE);
    await page.getByRole('heading', { level: 1, name: 'East Midlands: every district, 2024/25' }).waitFor();
    const rows = await readTable(page.getByRole('table', { name: /Every district beneath East Midlands/ }));
    assert.equal(rows.length, 29);
    // Most concern first.
    const hot = rows.map((r) => Number(r['Hot spots'].replace(/\D+$/, '').match(/^\d+/)[0]));
    assert.deepEqual(hot, [...hot].sort((a, b) => b - a));
    await checkAccessibility(page, 'picture laptop');
    // Melton's coasting count leads to the evidence: its recycling rate by year.
    await page.getByRole('link', { name: '1 coasting in Melton' }).click();
    await page.getByRole('heading', { level: 1, name: 'Melton: the evidence, 2024/25' }).waitFor();
    const coasting = page.locator('#coasting');
    assert.equal(await coasting.textContent(), 'Coasting (1)');
    const table = page.getByRole('table', { name: /^Coasting \(1\)/ });
    const text = await table.textContent();
    for (const figure of ['2021/22: 43.5', '2022/23: 42.9', '2023/24: 43.0', 'Coasting']) {
      assert.ok(text.includes(figure), `${figure} in ${text}`);
    }
    await checkAccessibility(page, 'evidence laptop');
    // The downloads hold every indicator of every district.
    await page.goto(PICTURE);
    const csv = await page.request.get(await page.getByRole('link', { name: /as CSV/ }).getAttribute('href'));
    assert.equal(csv.status(), 200);
    const lines = (await csv.text()).trim().split('\n');
    assert.ok(lines[0].startsWith('org_unit,name,indicator,title,year,value,figures,trend'), lines[0]);
    assert.ok(lines.length > 29 * 5, `${lines.length} lines`);
    const xlsx = await page.request.get(await page.getByRole('link', { name: /Excel workbook/ }).getAttribute('href'));
    assert.equal(xlsx.status(), 200);
    assert.match(xlsx.headers()['content-type'], /spreadsheetml/);
  }, { viewport: LAPTOP });
  await withPage('picture phone', async (page) => {
    await page.goto(PICTURE);
    await page.getByRole('table', { name: /Every district beneath/ }).waitFor();
    const wide = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
    assert.equal(wide, false, 'no page wider than the screen');
    await checkAccessibility(page, 'picture phone');
  }, { viewport: PHONE });
});

test('the navigation leads to benchmarking and the picture', async () => {
  await withPage('benchmark nav', async (page) => {
    await page.goto('/');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Picture' }).click();
    await page.getByRole('heading', { level: 1, name: /^Nottinghamshire Fire and Rescue Service: every group/ }).waitFor();
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Benchmark' }).click();
    await page.getByRole('heading', { level: 1 }).waitFor();
    assert.match(await page.locator('.caption').first().textContent(), /^Benchmark/);
    await checkAccessibility(page, 'benchmark from the navigation');
  });
});

test('a viewer benchmarks within their scope and sees no picture outside it', async () => {
  await withPage('benchmark viewer', async (page) => {
    const refused = await page.goto('/picture/E12000004');
    assert.equal(refused.status(), 403);
    assert.match(await page.locator('main').textContent(), /outside your scope/);
    await page.goto('/benchmark?indicator=FRS01&period=2025-03&level=station');
    const rows = await readTable(page.getByRole('table', { name: /best first/ }));
    assert.ok(rows.length > 10, 'the service\'s stations');
    assert.ok(rows.every((r) => !/E0\d{7}/.test(r.Unit)), 'no council');
  }, { as: 'viewer' });
});
