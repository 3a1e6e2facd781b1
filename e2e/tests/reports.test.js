// The quarterly committee report in the demo: the scorecard's button gives
// the fire service's quarterly report as a PDF; the report for 2024/25 Q3,
// reviewed, is approved for committee by an administrator and issued by a
// performance officer, each step shown with who took it; axe-core checks
// the report's page.

import assert from 'node:assert/strict';
import test from 'node:test';
import { checkAccessibility, useBrowser } from '../lib/browser.js';

const withPage = useBrowser();

test('the scorecard button downloads the quarterly report as a PDF', async () => {
  await withPage('report button', async (page) => {
    await page.goto('/scorecard/NFRS?period=2024-12');
    await page.getByRole('heading', { level: 1 }).first().waitFor();
    const link = page.getByRole('link', { name: 'Download the quarterly report (PDF)' }).last();
    const href = await link.getAttribute('href');
    assert.match(href, /\/units\/NFRS\/reports\/quarterly\/pdf\?period=2024%2F25(\+|%20)Q3/);
    const response = await page.request.get(href);
    assert.equal(response.status(), 200);
    assert.equal(response.headers()['content-type'], 'application/pdf');
    const body = await response.body();
    assert.equal(body.subarray(0, 4).toString(), '%PDF');
  }, { as: 'officer' });
});

test('the Q3 report is approved for committee, then issued, each step shown', async () => {
  await withPage('approve', async (page) => {
    await page.goto('/reports');
    await page.getByRole('link', { name: 'Performance monitoring report: 2024/25 Q3' }).click();
    await page.getByRole('heading', { level: 1, name: 'Performance monitoring report: 2024/25 Q3' }).waitFor();
    assert.ok(await page.getByText('Financial implications', { exact: true }).isVisible());
    await checkAccessibility(page, 'quarterly report, reviewed');
    await page.getByRole('button', { name: 'Approve for committee' }).click();
    await page.locator('.sign-off').getByText('Approved for committee').waitFor();
  }, { as: 'admin' });
  await withPage('issue', async (page) => {
    await page.goto('/reports');
    await page.getByRole('link', { name: 'Performance monitoring report: 2024/25 Q3' }).click();
    await page.getByRole('button', { name: 'Issue to committee' }).click();
    const steps = page.locator('.sign-off');
    await steps.getByText('Issued', { exact: true }).waitFor();
    assert.match(await steps.innerText(), /Issued by officer@example\.org/);
    assert.match(await page.locator('.report-stage').innerText(), /Issued \d+ \w+ \d{4}/);
  }, { as: 'officer' });
});

test('the benchmarking report of a council, from its neighbours page, as a page and a PDF', async () => {
  await withPage('benchmarking report', async (page) => {
    await page.goto('/units/E07000174/neighbours?period=2024%2F25');
    await page.getByRole('heading', { level: 1 }).first().waitFor();
    const pdf = page.getByRole('link', { name: 'Benchmarking report (PDF)' });
    const href = await pdf.getAttribute('href');
    assert.match(href, /\/units\/E07000174\/reports\/benchmark\/pdf\?period=2024%2F25/);
    const response = await page.request.get(href);
    assert.equal(response.status(), 200);
    assert.equal(response.headers()['content-type'], 'application/pdf');
    assert.equal((await response.body()).subarray(0, 4).toString(), '%PDF');
    await page.getByRole('link', { name: 'read it as a page' }).click();
    await page.getByRole('heading', { level: 1, name: 'Benchmarking report: 2024/25' }).waitFor();
    assert.ok(await page.getByRole('heading', { name: /NI192/ }).first().isVisible());
    assert.match(await page.locator('#quartiles').innerText(), /Best quarter/);
    await checkAccessibility(page, 'benchmarking report');
  });
});
