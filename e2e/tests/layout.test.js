// Pages a committee can read, on a laptop and on a phone: on every
// scorecard the status, the figure it judges and that figure's target are
// in view without scrolling sideways; no page is wider than the screen;
// charts keep readable text; search and the target cascade work from the
// pages themselves.

import assert from 'node:assert/strict';
import test from 'node:test';
import { useBrowser } from '../lib/browser.js';
import { confirmImport, readTable, statusIn, uploadForImport } from '../lib/stocktake.js';

const withPage = useBrowser();

export const LAPTOP = { width: 1366, height: 900 };
export const PHONE = { width: 390, height: 844 };

/** A scorecard of each kind of unit in the demo. */
const SCORECARDS = [
  ['fire service', '/scorecard/NFRS?period=2025-03'],
  ['fire group', '/scorecard/NFRS-CITY?period=2025-03'],
  ['station', '/scorecard/NFRS-ARNOLD?period=2025-03'],
  ['district council', '/scorecard/E07000176?period=2025-03'],
  ['county council', '/scorecard/E10000024?period=2024/25'],
  ['England', '/scorecard/E92000001?period=2025-03'],
];

/** Every kind of page, for the overflow check. */
const PAGES = [
  '/',
  ...SCORECARDS.map(([, path]) => path),
  '/scorecard/NFRS?period=2025-03&print=1',
  '/indicators/FRS01?unit=NFRS&period=2025-03',
  '/indicators/NI192?unit=E07000176&period=2025-03',
  '/units/NFRS-CITY?period=2025-03',
  '/entry/NFRS-ARNOLD?period=2025-03',
  '/import',
  '/search?q=notting',
  '/targets/cascade?unit=NFRS&indicator=FRS01&period=2024/25',
];

/** Where each row's status, figure judged and target are drawn. */
async function judgedCells(page) {
  return page.evaluate(() =>
    [...document.querySelectorAll('main table.scorecard tbody tr')].map((row) => {
      const box = (selector) => {
        const r = row.querySelector(selector).getBoundingClientRect();
        return { left: r.left, right: r.right, width: r.width };
      };
      return {
        indicator: row.querySelector('th').innerText.split('\n')[0],
        status: box('.scorecard__status'),
        judged: box('.scorecard__judged'),
        target: box('.scorecard__target'),
        statusText: row.querySelector('.scorecard__status').innerText,
      };
    }),
  );
}

async function widths(page) {
  return page.evaluate(() => ({
    page: document.documentElement.scrollWidth,
    screen: window.innerWidth,
    scrollers: [...document.querySelectorAll('main *')]
      .filter((e) => e.closest('table.scorecard') && e.clientWidth > 1 && e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).overflowX !== 'visible')
      .map((e) => e.tagName),
  }));
}

for (const [size, viewport] of [['1366x900', LAPTOP], ['390x844', PHONE]]) {
  for (const [kind, path] of SCORECARDS) {
    test(`at ${size}, the ${kind} scorecard shows each status beside its judged figure and target, all in view`, async () => {
      await withPage(`layout ${kind} ${size}`, async (page) => {
        await page.goto(path);
        await page.getByRole('heading', { level: 1 }).waitFor();
        const rows = await judgedCells(page);
        assert.ok(rows.length > 0, 'the scorecard has indicators');
        const rated = rows.filter((r) => ['On target', 'Near target', 'Off target'].includes(statusIn(r.statusText)));
        assert.ok(rated.length * 3 >= rows.length * 2, `most indicators are red, amber or green (${rated.length} of ${rows.length})`);
        for (const row of rows) {
          for (const part of ['status', 'judged', 'target']) {
            const b = row[part];
            assert.ok(b.width > 0, `${row.indicator}: the ${part} is shown`);
            assert.ok(b.left >= 0 && b.right <= viewport.width + 0.5, `${row.indicator}: the ${part} (${b.left}..${b.right}) is inside the ${viewport.width} px screen`);
          }
        }
        const w = await widths(page);
        assert.ok(w.page <= w.screen, `no sideways scrolling: the page is ${w.page} px on a ${w.screen} px screen`);
        assert.deepEqual(w.scrollers, [], 'nothing inside the scorecard scrolls sideways');
      }, { viewport });
    });
  }

  test(`at ${size}, no page is wider than the screen`, async () => {
    await withPage(`overflow ${size}`, async (page) => {
      for (const path of PAGES) {
        await page.goto(path);
        await page.getByRole('heading', { level: 1 }).first().waitFor();
        const w = await widths(page);
        assert.ok(w.page <= w.screen, `${path} is ${w.page} px wide on a ${w.screen} px screen`);
      }
    }, { viewport });
  });

  test(`at ${size}, chart text is drawn at 12 px or more`, async () => {
    await withPage(`chart text ${size}`, async (page) => {
      // The trend chart and the bar chart of the units below.
      await page.goto('/indicators/FRS01?unit=NFRS&period=2025-03');
      await page.getByRole('heading', { name: 'Trend', exact: true }).waitFor();
      const sizes = await page.evaluate(() =>
        [...document.querySelectorAll('figure.chart svg')]
          .filter((svg) => svg.getBoundingClientRect().width > 0)
          .flatMap((svg) => {
            const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
            return [...svg.querySelectorAll('text')].map((t) => parseFloat(getComputedStyle(t).fontSize) * scale);
          }),
      );
      assert.ok(sizes.length > 0, 'the trend chart has text');
      const smallest = Math.min(...sizes);
      assert.ok(smallest >= 12, `the smallest chart text is ${smallest.toFixed(1)} px`);
    }, { viewport });
  });
}

test('on a phone the scorecard opens on figures: the choosers are folded away', async () => {
  await withPage('phone first screen', async (page) => {
    await page.goto('/scorecard/NFRS?period=2025-03');
    const choosers = page.locator('details.controls');
    assert.equal(await choosers.getAttribute('open'), null, 'the choosers start folded');
    assert.ok(!(await page.getByLabel('Unit', { exact: true }).isVisible()));
    await page.getByText('Change unit, period or filter').click();
    assert.ok(await page.getByLabel('Unit', { exact: true }).isVisible());
    // The status filter stays in view: counts that filter.
    assert.ok(await page.getByRole('navigation', { name: 'Filter by status' }).isVisible());
  }, { viewport: PHONE });
});

test('the scorecard names where the unit sits, and another unit is a choice away', async () => {
  await withPage('breadcrumbs and unit picker', async (page) => {
    await page.goto('/scorecard/NFRS-ARNOLD?period=2025-03');
    const crumbs = page.getByRole('navigation', { name: 'Where this unit sits' });
    await crumbs.getByRole('link', { name: 'Nottinghamshire Fire and Rescue Service' }).waitFor();
    await page.getByLabel('Unit', { exact: true }).selectOption('NFRS-CARLTON');
    await page.getByRole('button', { name: 'Show' }).click();
    await page.waitForURL(/\/scorecard\/NFRS-CARLTON\?period=2025-03/);
    await page.getByRole('heading', { level: 1, name: 'Carlton' }).waitFor();
  }, { viewport: LAPTOP });
});

test('the header\'s Scorecard opens on the home unit, and the home page on the fire service', async () => {
  await withPage('home unit', async (page) => {
    await page.goto('/');
    await page.getByRole('heading', { level: 1, name: 'Nottinghamshire Fire and Rescue Service' }).waitFor();
    await page.goto('/import');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Scorecard' }).click();
    await page.waitForURL(/\/scorecard\/NFRS\?period=2025-03/);
  });
});

test('search finds units and indicators by code or name from any page', async () => {
  await withPage('search', async (page) => {
    await page.goto('/import');
    await page.getByLabel('Search units and indicators by code or name').fill('ni 192');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.waitForURL(/\/search\?q=ni\+192/);
    await page.getByRole('link', { name: 'Percentage of household waste sent for reuse, recycling and composting' }).waitFor();
    await page.getByLabel('Code or name', { exact: true }).fill('arnold');
    await page.getByRole('button', { name: 'Search', exact: true }).last().click();
    await page.getByRole('link', { name: 'Arnold' }).click();
    await page.getByRole('heading', { level: 1, name: 'Arnold' }).waitFor();
  }, { javaScriptEnabled: false });
});

test('a target is cascaded to the units below after a preview of each one\'s share', async () => {
  await withPage('cascade', async (page) => {
    // A target nobody else reads: the service's FRS02 for 2019/20, before the demo's figures.
    await uploadForImport(page, 'Targets', 'frs02-2019.csv', 'indicator,org_unit,period,target,tolerance\nFRS02,NFRS,2019/20,30,5\n');
    assert.match(await confirmImport(page, { ratify: true }), /1 target imported/);
    await page.goto('/targets/cascade?unit=NFRS&period=2019/20&indicator=FRS02&method=equally');
    const preview = await readTable(page.getByRole('table', { name: /Proposed FRS02 targets, 2019\/20/ }));
    assert.deepEqual(preview.map((r) => r.Unit.split(' ')[0]), ['City', 'North', 'South']);
    assert.ok(preview.every((r) => /30\.00 per 10,000 dwellings/.test(r['Proposed target'])), 'a rate cascaded equally is the same rate');
    await page.getByRole('button', { name: 'Save 3 targets' }).click();
    await page.waitForURL(/saved=3/);
    assert.match(await page.getByRole('status').innerText(), /3 targets for FRS02 saved below Nottinghamshire Fire and Rescue Service/);
  });
});

test('on the entry form a ratio\'s Value, Numerator and Denominator boxes line up', async () => {
  await withPage('entry boxes', async (page) => {
    await page.goto('/entry/NFRS-ARNOLD?period=2025-03');
    const tops = [];
    for (const label of ['Value for FRS01', 'Numerator for FRS01', 'Denominator for FRS01']) {
      tops.push((await page.getByLabel(label, { exact: true }).boundingBox()).y);
    }
    assert.ok(Math.max(...tops) - Math.min(...tops) <= 1, `the boxes' tops: ${tops.join(', ')}`);
  }, { viewport: LAPTOP });
});
