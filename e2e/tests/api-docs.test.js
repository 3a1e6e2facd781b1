// The API's description and its browsable documentation, served by the
// binary itself (no outside address is needed to read or try it).

import assert from 'node:assert/strict';
import test from 'node:test';
import { BASE_URL, checkAccessibility, useBrowser } from '../lib/browser.js';
import { getJson } from '../lib/stocktake.js';

const withPage = useBrowser();

test('the OpenAPI document describes the values, reference and report endpoints', async () => {
  const doc = await getJson('/api/openapi.json');
  assert.match(doc.openapi, /^3\.1\./);
  assert.equal(doc.info.title, 'Stocktake API');
  for (const path of ['/api/v1/values', '/api/v1/indicators', '/api/v1/org-units', '/api/v1/scorecard', '/api/v1/rollup']) {
    assert.ok(doc.paths[path], `${path} is described`);
  }
});

test('Swagger UI lists the endpoints and runs one against the demo', async () => {
  await withPage('api docs', async (page) => {
    const outside = [];
    page.on('request', (request) => {
      if (!request.url().startsWith(BASE_URL) && !request.url().startsWith('data:')) outside.push(request.url());
    });
    await page.goto('/api/docs/');
    await page.getByRole('heading', { name: /Stocktake API/ }).waitFor();

    const operation = page.locator('#operations-values-list_values');
    await operation.getByRole('button', { name: /\/api\/v1\/values/ }).first().click();
    await operation.getByRole('button', { name: 'Try it out' }).click();
    await operation.getByPlaceholder('indicator', { exact: true }).fill('FRS08');
    await operation.getByPlaceholder('org_unit', { exact: true }).fill('NFRS');
    await operation.getByPlaceholder('from', { exact: true }).fill('2025-03');
    await operation.getByPlaceholder('to', { exact: true }).fill('2025-03');
    await operation.getByRole('button', { name: 'Execute' }).click();
    const body = operation.locator('.live-responses-table .response-col_description pre').first();
    await body.waitFor();
    const answer = JSON.parse(await body.innerText());
    assert.equal(answer.values.length, 1, 'one sickness return for March 2025');
    assert.equal(answer.values[0].indicator, 'FRS08');
    assert.deepEqual(outside, [], 'Swagger UI asked nothing of any other server');
    // The operation as it is now (parameters filled in, the request's curl
    // command and the answer shown, with their copy and download buttons)
    // meets WCAG 2.2 AA as well as the page as it first loads.
    await checkAccessibility(page, 'API documentation after trying an operation');
  });
});
