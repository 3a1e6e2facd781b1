// Maps in the demo: an officer imports boundaries for Nottinghamshire's
// districts (small squares standing in for the real outlines) on the
// publication page and reads which matched; the map of an indicator across
// the county's districts then names each district, on hover and on
// keyboard focus, with its figure and status in words, with the table
// beside it; shading by quartile says the quartile in the table too.
// axe-core checks the map page at both widths.

import assert from 'node:assert/strict';
import test from 'node:test';
import { checkAccessibility, useBrowser } from '../lib/browser.js';

const withPage = useBrowser();

const DISTRICTS = ['E07000170', 'E07000171', 'E07000172', 'E07000173', 'E07000174', 'E07000175', 'E07000176'];

function squares() {
  return JSON.stringify({
    type: 'FeatureCollection',
    features: DISTRICTS.map((code, k) => ({
      type: 'Feature',
      properties: { LAD24CD: code, LAD24NM: code },
      geometry: {
        type: 'Polygon',
        coordinates: [[
          [-1.4 + (k % 4) * 0.2, 53.0 - Math.floor(k / 4) * 0.2],
          [-1.2 + (k % 4) * 0.2, 53.0 - Math.floor(k / 4) * 0.2],
          [-1.2 + (k % 4) * 0.2, 53.2 - Math.floor(k / 4) * 0.2],
          [-1.4 + (k % 4) * 0.2, 53.2 - Math.floor(k / 4) * 0.2],
          [-1.4 + (k % 4) * 0.2, 53.0 - Math.floor(k / 4) * 0.2],
        ]],
      },
    })),
  });
}

test('boundaries imported, an indicator is mapped across the districts with its table', async () => {
  await withPage('maps import', async (page) => {
    await page.goto('/publication#boundaries');
    await page.getByLabel('GeoJSON file of boundaries').setInputFiles({
      name: 'notts-districts.geojson',
      mimeType: 'application/geo+json',
      buffer: Buffer.from(squares()),
    });
    await page.getByRole('button', { name: 'Import the boundaries' }).click();
    await page.getByRole('heading', { level: 1, name: 'Boundaries imported from notts-districts.geojson' }).waitFor();
    assert.match(await page.locator('main').innerText(), /Codes read from LAD24CD\./);
  });

  for (const viewport of [{ width: 1366, height: 900 }, { width: 390, height: 844 }]) {
    await withPage(`map ${viewport.width}`, async (page) => {
      await page.goto('/indicators/NI192?unit=E10000024&period=2023/24');
      await page.getByRole('link', { name: /^Map of the units below/ }).click();
      await page.getByRole('heading', { level: 1, name: /across Nottinghamshire/ }).waitFor();
      const map = page.locator('figure.map svg');
      await map.waitFor();
      // Every district is a link named with its figure and status in words.
      const names = await map.locator('a.map-area').evaluateAll((as) => as.map((a) => a.getAttribute('aria-label')));
      assert.equal(names.length, DISTRICTS.length);
      for (const name of names) assert.match(name, /^[A-Z][^:]+: (\d[\d,.]*%|no figure), (on target|near target|off target|no target|not rated|no data)$/);
      // Keyboard: the first area takes focus and says what it is.
      await map.locator('a.map-area').first().focus();
      const focused = await page.evaluate(() => document.activeElement.getAttribute('aria-label'));
      assert.equal(focused, names[0]);
      // The table beside it gives the same areas with their status in words.
      const rows = await page.locator('#map-table tbody tr').count();
      assert.equal(rows, DISTRICTS.length);
      await checkAccessibility(page, `map ${viewport.width}`);

      // Shaded by quartile: the quartile is in the table too.
      await page.getByLabel('Shade areas by').selectOption('quartile');
      await page.getByRole('button', { name: 'Show the map' }).click();
      await page.getByRole('columnheader', { name: 'Quartile' }).waitFor();
      assert.match(await page.locator('#map-table').innerText(), /1st quartile \(best\)/);
      await checkAccessibility(page, `map by quartile ${viewport.width}`);
    }, { viewport });
  }
});
