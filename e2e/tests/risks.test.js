// Risk registers and goals as the East Midlands partnership uses them, in
// the demo: the regional register shows the protocol's printed scores with
// each cell's words, risk 3's overdue review in words, and a heat map with
// its table; the support team logs an issue and changes a risk, whose
// history grows; a change of matrix is shown with its rule before it is
// applied; a goal's page gathers its indicators and risks; the fire
// service's viewer sees no regional register. axe-core checks the pages.

import assert from 'node:assert/strict';
import test from 'node:test';
import { checkAccessibility, useBrowser } from '../lib/browser.js';
import { parseCsv } from '../lib/stocktake.js';

const withPage = useBrowser();

/** Words new on every run, so a run finds only what it wrote. */
const stamp = Date.now();

test('the regional register shows the protocol as printed, with its heat map', async () => {
  await withPage('regional register', async (page) => {
    await page.goto('/risks');
    await page.getByRole('link', { name: 'EMRIEP regional risk register' }).click();
    await page.waitForURL(/\/risks\/EMRIEP$/);
    await page.getByRole('heading', { level: 1, name: 'EMRIEP regional risk register' }).waitFor();
    const first = page.locator('#risk-1');
    assert.match(await first.innerText(), /9\s+Immediate action needed – serious threat to provision/);
    assert.match(await first.innerText(), /3\s+Monitor as necessary – less important but still could have a serious effect/);
    assert.match(await page.locator('#risk-2').innerText(), /8\s+Key risk – may potentially affect/);
    assert.match(await page.locator('#risk-7').innerText(), /6\s+Key risks – may potentially affect/);
    assert.match(await page.locator('#risk-3').innerText(), /2026-09-30 Overdue/);
    // Highest residual first: risks 1, 2, 3 and 6 (residual 3) before 4, 7 and 5.
    const order = await page.locator('#risks tbody tr').evaluateAll((rows) => rows.map((r) => r.id));
    assert.deepEqual(order, ['risk-1', 'risk-2', 'risk-3', 'risk-6', 'risk-4', 'risk-7', 'risk-5']);
    const heat = page.getByRole('img', { name: /heat map of open risks/ });
    assert.ok(await heat.isVisible(), 'the heat map');
    const grid = await page.locator('#heat-map-table').innerText();
    assert.match(grid, /Score 9: Immediate action needed[^\n]*\n?[^\n]*Before controls: 1/);
    const csv = await page.request.get('/export/risks/EMRIEP/risks.csv');
    const rows = parseCsv(await csv.text());
    assert.equal(rows.length, 7);
    assert.deepEqual(rows.map((r) => [r.code, r.inherent_score, r.residual_score]).sort(),
      [['1', '9', '3'], ['2', '8', '3'], ['3', '7', '3'], ['4', '7', '2'], ['5', '4', '2'], ['6', '5', '3'], ['7', '6', '2']]);
    await checkAccessibility(page, 'regional risk register');
  }, { as: 'emriep' });
});

test('the support team logs an issue and changes a risk, whose history grows', async () => {
  await withPage('keep the register', async (page) => {
    await page.goto('/risks/EMRIEP');
    const title = `Sub regional partnership chair resigned ${stamp}`;
    await page.getByLabel('Code', { exact: true }).last().fill(`I${stamp}`);
    await page.getByLabel('Issue', { exact: true }).fill(title);
    await page.getByLabel('Owner', { exact: true }).fill('EMRIEP');
    await page.getByLabel('Status', { exact: true }).last().selectOption('in_progress');
    await page.getByRole('button', { name: 'Save the issue' }).click();
    await page.waitForURL(/\/risks\/EMRIEP#issue-/);
    assert.match(await page.locator('#issues-table').innerText(), new RegExp(`${title}[\\s\\S]*In progress`));

    await page.goto('/risks/EMRIEP/risks/5');
    const before = await page.locator('#history-table tbody tr').count();
    await page.getByLabel('Residual likelihood').fill('1');
    await page.getByLabel('Residual impact').fill('1');
    await page.getByRole('button', { name: 'Save the risk' }).click();
    await page.waitForURL(/\/risks\/EMRIEP\/risks\/5$/);
    assert.match(await page.locator('#residual').innerText(), /^1\s+No action necessary/);
    assert.equal(await page.locator('#history-table tbody tr').count(), before + 1);
    assert.ok(await page.getByRole('img', { name: /Risk 5: scores over time/ }).isVisible());
    await checkAccessibility(page, 'a risk and its history');
  }, { as: 'emriep' });
});

test('a change of matrix is shown with its rule before it is applied', async () => {
  await withPage('change matrix', async (page) => {
    await page.goto('/risks/MDC-CORPORATE');
    await page.getByLabel('Score the register on').selectOption('PROTOCOL-3X3');
    await page.getByRole('button', { name: 'Show what would change' }).click();
    await page.getByRole('heading', { level: 1, name: /Change Mansfield corporate risk register/ }).waitFor();
    assert.match(await page.locator('#rule').innerText(), /ceiling\(\(2L - 1\) x M \/ 2N\)/);
    await checkAccessibility(page, 'matrix change preview');
    await page.getByRole('button', { name: /Apply the change to all 3 risks/ }).click();
    await page.waitForURL(/\/risks\/MDC-CORPORATE$/);
    assert.match(await page.locator('.hint').first().innerText(), /scored on EMRIEP risk analysis criteria/);
    await page.goto('/risks/MDC-CORPORATE/risks/R1');
    assert.match(await page.locator('#history-table').innerText(), /Matrix changed from STANDARD-5X5 to PROTOCOL-3X3/);
  }, { as: 'emriep' });
});

test('a goal gathers its indicators and risks; the indicator lists them back', async () => {
  await withPage('goals', async (page) => {
    await page.goto('/goals');
    await page.getByRole('link', { name: 'Every authority improving, none struggling or coasting' }).click();
    await page.waitForURL(/\/goals\/EM-IMPROVE$/);
    assert.match(await page.locator('#goal-indicators').innerText(), /NI192/);
    assert.match(await page.locator('#goal-risks').innerText(), /EMRIEP 1\. Failure to agree regional governance/);
    await checkAccessibility(page, 'a goal');
    await page.goto('/indicators/NI192?unit=E12000004&period=2023/24');
    assert.match(await page.locator('#indicator-risks').innerText(), /MDC-CORPORATE risk R1/);
    assert.match(await page.locator('#indicator-goals').innerText(), /More household waste recycled across the region/);
  }, { as: 'emriep' });
  await withPage('fire viewer', async (page) => {
    await page.goto('/risks');
    assert.match(await page.locator('main').innerText(), /There are no risk registers for the units you work in/);
  }, { as: 'viewer' });
});
