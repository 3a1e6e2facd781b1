// Publication and the open-data portal in the demo: the public, not signed
// in, browses the published indicators, reads one with its definition,
// chart and table by area, and downloads it as CSV and JSON under the Open
// Government Licence; the catalogue is DCAT JSON-LD; an unpublished
// indicator is not there. An administrator publishes an indicator on the
// publication page and withdraws it again. axe-core checks the pages.

import assert from 'node:assert/strict';
import test from 'node:test';
import { checkAccessibility, useBrowser } from '../lib/browser.js';

const withPage = useBrowser();

test('the public reads a published indicator and its downloads without signing in', async () => {
  for (const viewport of [{ width: 1366, height: 900 }, { width: 390, height: 844 }]) {
    await withPage(`open data ${viewport.width}`, async (page) => {
      await page.goto('/open');
      await page.getByRole('heading', { level: 1, name: 'Open data' }).waitFor();
      await checkAccessibility(page, `open data front ${viewport.width}`);
      // Published in the demo: fires; not published: the data-entry-only FRS04.
      const listed = await page.getByRole('table', { name: /Published indicators/ }).innerText();
      assert.match(listed, /Primary fires per 10,000 population/);
      assert.doesNotMatch(listed, /FRS04/);
      // Search narrows the list.
      await page.getByLabel('Search published indicators').fill('primary fires');
      await page.getByRole('button', { name: 'Search', exact: true }).last().click();
      await page.getByRole('heading', { name: /indicators match “primary fires”/ }).waitFor();

      await page.getByRole('link', { name: 'Primary fires per 10,000 population' }).click();
      await page.getByRole('heading', { level: 1, name: /Primary fires per 10,000 population/ }).waitFor();
      assert.match(await page.locator('main').innerText(), /Open Government Licence v3\.0/);
      await page.getByRole('table', { name: /each period with a figure/ }).waitFor();
      await page.getByRole('table', { name: /for each area below/ }).waitFor();
      await checkAccessibility(page, `open data indicator ${viewport.width}`);

      // The downloads carry the licence and the definition.
      const csvHref = await page.getByRole('link', { name: 'CSV', exact: true }).getAttribute('href');
      const csv = await (await page.request.get(csvHref)).text();
      assert.match(csv, /^# FRS01: Primary fires per 10,000 population\n# Definition: /);
      assert.match(csv, /# Published under the Open Government Licence v3\.0/);
      assert.match(csv, /\nunit_code,unit_name,period,value,numerator,denominator,target,status\n/);
      const json = await (await page.request.get(csvHref.replace(/\.csv$/, '.json'))).json();
      assert.equal(json.licence.name, 'Open Government Licence v3.0');
      assert.ok(json.figures.length > 0);
    }, { viewport, as: null });
  }
});

test('the catalogue is DCAT JSON-LD with a download for every published indicator and data table', async () => {
  await withPage('dcat', async (page) => {
    const response = await page.request.get('/open/catalog.jsonld');
    assert.equal(response.headers()['content-type'], 'application/ld+json');
    const catalogue = await response.json();
    assert.equal(catalogue['@type'], 'dcat:Catalog');
    const codes = catalogue['dcat:dataset'].map((d) => d['dct:identifier']).sort();
    assert.deepEqual(codes, ['FRS01', 'FRS02', 'FRS03', 'NFRS-FIRE-PROSECUTIONS-2023-24', 'NI191', 'NI195a']);
    for (const dataset of catalogue['dcat:dataset']) {
      const media = dataset['dcat:distribution'].map((d) => d['dcat:mediaType']);
      assert.deepEqual(media, ['text/csv', 'application/json']);
    }
  }, { as: null });
});

test('an administrator publishes an indicator and withdraws it', async () => {
  await withPage('publish', async (page) => {
    await page.goto('/publication');
    await page.getByRole('heading', { level: 1, name: 'Publication and open data' }).waitFor();
    await checkAccessibility(page, 'publication page');
    await page.getByRole('button', { name: 'Publish FRS04' }).click();
    await page.waitForURL(/\/publication#indicators/);
    await page.getByRole('button', { name: 'Withdraw FRS04' }).waitFor();
    const row = await page.getByRole('row', { name: /FRS04/ }).innerText();
    assert.match(row, /Published by/);
    // Now on the portal, then withdrawn again.
    const open = await (await page.request.get('/open')).text();
    assert.match(open, /FRS04/);
    await page.getByRole('button', { name: 'Withdraw FRS04' }).click();
    await page.getByRole('button', { name: 'Publish FRS04' }).waitFor();
    assert.doesNotMatch(await (await page.request.get('/open')).text(), /FRS04/);
  });
});
