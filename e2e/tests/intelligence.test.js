// The intelligence picture and support as the East Midlands partnership
// uses them, in the demo: a change agent of the Chatham House group records
// confidential intelligence about Mansfield and an outsider (the performance
// officer) cannot see it anywhere; a council's page carries its row of the
// regional picture; the support matrix shows the costed menu and its gap; a
// request from Mansfield is routed past its conflicted auditor; and a plan
// over the support budget cap is flagged. axe-core checks the pages.

import assert from 'node:assert/strict';
import test from 'node:test';
import { checkAccessibility, useBrowser } from '../lib/browser.js';
import { parseCsv, readTable } from '../lib/stocktake.js';

const withPage = useBrowser();

const MANSFIELD = 'E07000174';
/** Words new on every run, so a run finds only what it wrote. */
const stamp = Date.now();
const SECRET = `Section 151 officer resigning in confidence ${stamp}`;

test('a change agent records confidential intelligence, and an outsider cannot see it', async () => {
  await withPage('agent records', async (page) => {
    await page.goto(`/intelligence?unit=${MANSFIELD}`);
    await page.getByRole('heading', { level: 1, name: 'Intelligence' }).waitFor();
    await checkAccessibility(page, 'intelligence list, change agent');
    await page.getByLabel('Unit code', { exact: true }).last().fill(MANSFIELD);
    await page.getByLabel('Source', { exact: true }).selectOption('ANECDOTE');
    await page.getByLabel('Date (YYYY-MM-DD)').fill('2025-01-15');
    await page.getByLabel('Confidential to closed group (code; blank for open)').fill('CHATHAM-HOUSE');
    await page.getByLabel('Summary', { exact: true }).fill(SECRET);
    await page.getByRole('button', { name: 'Record' }).click();
    await page.waitForURL(new RegExp(`/units/${MANSFIELD}/intelligence`));
    const record = page.locator('li', { hasText: SECRET });
    await record.waitFor();
    assert.match(await record.innerText(), /confidential to CHATHAM-HOUSE/);
    // The counts count it; the judgements over time show use of resources worsening.
    assert.match(await page.locator('#counts').innerText(), /3 confidential to your closed group/);
    assert.ok(
      await page.getByRole('table', { name: /Use of resources judgement.*worsening/ }).isVisible(),
      'use of resources judged 3, then 2',
    );
    await checkAccessibility(page, 'council intelligence, change agent');
  }, { as: 'goem' });

  await withPage('outsider looks', async (page) => {
    await page.goto(`/units/${MANSFIELD}/intelligence`);
    await page.getByRole('heading', { level: 1, name: /Intelligence: Mansfield/ }).waitFor();
    assert.equal(await page.getByText(SECRET).count(), 0, 'not on the council page');
    const counts = await page.locator('#counts').innerText();
    assert.doesNotMatch(counts, /confidential/, counts);
    assert.match(counts, /^4 records:/, 'the open records only');
    await page.goto(`/intelligence?q=${encodeURIComponent(String(stamp))}`);
    assert.equal(await page.locator('#found').innerText(), '0 records.', 'not found by search');
    const csv = await page.request.get('/export/support/intelligence.csv');
    assert.equal(csv.status(), 200);
    const rows = parseCsv(await csv.text());
    assert.ok(rows.length > 0);
    assert.ok(rows.every((r) => r.confidential_to === '' && !r.summary.includes(String(stamp))), 'not in the download');
  }, { as: 'officer' });
});

test("a council's intelligence page carries its row of the regional picture, linked to the evidence", async () => {
  await withPage('regional row', async (page) => {
    await page.goto(`/units/${MANSFIELD}/intelligence`);
    await page.getByRole('heading', { name: 'In the regional picture' }).waitFor();
    const counts = page.locator('#regional-counts');
    assert.match(await counts.innerText(), /\d+ declining/);
    await counts.getByRole('link', { name: /declining/ }).click();
    await page.waitForURL(/\/picture\/E12000004\/E07000174\?.*#declining/);
    await page.getByRole('heading', { level: 1 }).first().waitFor();
    assert.match(await page.locator('main').innerText(), /Percentage of household waste/);
  }, { as: 'idea' });
});

test('the support matrix shows the costed menu of services and its gap', async () => {
  await withPage('support matrix', async (page) => {
    await page.goto('/support');
    await page.getByRole('heading', { level: 1, name: 'Support' }).waitFor();
    // A problem type's first row carries its name (rowspan): each offer is
    // read from its own row, provider to cost.
    const table = page.getByRole('table', { name: 'Problem types against providers' });
    const offers = await table.locator('tbody tr').allInnerTexts();
    assert.ok(offers.some((o) => /Improvement and Development Agency[\s\S]*Free at the point of delivery/.test(o)), offers.join('\n'));
    assert.ok(offers.some((o) => /EMRIEP support team[\s\S]*£600 a day \(funded\)/.test(o)), offers.join('\n'));
    const gap = page.getByRole('note').filter({ hasText: 'Gaps in the offer' });
    assert.match(await gap.innerText(), /Moving towards excellence/);
    assert.ok(offers.some((o) => /Moving towards excellence[\s\S]*Gap: no provider offers help/.test(o)), 'the gap in the table too');
    assert.match(await page.locator('main').innerText(), /capped at £311,850 \(5% of £6,237,000\)/);
    assert.match(await page.locator('main').innerText(), /allocates £236,000 to support for struggling authorities, within the cap/);
    await checkAccessibility(page, 'support matrix');
  }, { as: 'officer' });
});

test('a request from Mansfield is routed only to providers with no conflict of interest', async () => {
  await withPage('request routed', async (page) => {
    const summary = `Help with commissioning ${stamp}`;
    await page.goto('/support');
    await page.getByLabel('Unit code', { exact: true }).last().fill(MANSFIELD);
    await page.getByLabel('What help is wanted').fill(summary);
    await page.getByRole('button', { name: 'Ask for support' }).click();
    await page.waitForURL(/\/support#request-\d+/);
    const request = page.locator('li', { hasText: summary });
    await request.waitFor();
    await request.getByLabel('Problem type').selectOption('CSF');
    await request.getByRole('button', { name: /Triage request/ }).click();
    await page.waitForURL(/\/support#request-\d+/);
    const routed = await page.locator('li', { hasText: summary }).innerText();
    assert.match(routed, /Routed to: .*Improvement and Development Agency/);
    assert.match(routed, /EMRIEP support team/);
    assert.doesNotMatch(routed.split('Not offered')[0], /Audit Commission/, 'never its auditor');
    assert.match(routed, /Not offered \(conflict of interest\): AUDIT/);
  }, { as: 'officer' });
});

test('a plan over the support budget cap is flagged', async () => {
  await withPage('plan over the cap', async (page) => {
    const code = `EM-E2E-${stamp}`;
    await page.goto(`/support/plans/new?unit=${MANSFIELD}`);
    await page.getByRole('heading', { level: 1, name: 'Write a support plan' }).waitFor();
    await checkAccessibility(page, 'plan form');
    await page.getByLabel('Code (an existing plan\'s code rewrites it)').fill(code);
    await page.getByLabel('Title').fill('Waste recovery with the regional team');
    await page.getByLabel('Problem type').selectOption('SERVICE');
    await page.getByLabel('Provider 1', { exact: true }).selectOption('EMRIEP');
    await page.getByLabel('Days from provider 1').fill('600');
    // A year of its own, so the demo's 2024/25 plans are left as they are.
    await page.getByLabel('Financial year that pays (such as 2024/25)').fill('2031/32');
    await page.getByRole('button', { name: 'Save the plan' }).click();
    await page.waitForURL(new RegExp(`/support/plans/${code}`));
    const alert = page.getByRole('alert').filter({ hasText: 'Over the support budget cap' });
    await alert.waitFor();
    assert.match(await alert.innerText(), /more than the cap of £311,850/);
    const providers = await readTable(page.getByRole('table', { name: 'Days and cost by provider' }));
    assert.equal(providers[0].Cost, '£360,000', '600 days at £600');
    await checkAccessibility(page, 'plan over the cap');
  }, { as: 'officer' });
});

test('a case study is attached to its good practice entry and downloaded as sent', async () => {
  await withPage('good practice file', async (page) => {
    await page.goto('/good-practice?q=food');
    const entry = page.locator('li#GP-FOOD-WASTE');
    // The demo's write-up, attached as text.
    await entry.getByRole('link', { name: 'Download food-waste-case-study.txt' }).waitFor();
    const pdf = `%PDF-1.7\n% Case study ${stamp}\n`;
    await entry.getByText('Replace or remove the file of GP-FOOD-WASTE').click();
    await entry.getByLabel('File for Food waste collections lift recycling')
      .setInputFiles({ name: `case-study-${stamp}.pdf`, mimeType: 'application/pdf', buffer: Buffer.from(pdf) });
    await entry.getByRole('button', { name: 'Attach the file' }).click();
    await page.waitForURL(/\/good-practice#GP-FOOD-WASTE/);
    const link = page.locator('li#GP-FOOD-WASTE').getByRole('link', { name: `Download case-study-${stamp}.pdf` });
    await link.waitFor();
    assert.match(await page.locator('li#GP-FOOD-WASTE').innerText(), /\(\d+ bytes, attached \d{4}-\d{2}-\d{2} by /);
    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    assert.equal(download.suggestedFilename(), `case-study-${stamp}.pdf`);
    const bytes = await new Promise((resolve, reject) => {
      download.createReadStream().then((stream) => {
        const chunks = [];
        stream.on('data', (c) => chunks.push(c));
        stream.on('end', () => resolve(Buffer.concat(chunks).toString()));
        stream.on('error', reject);
      }, reject);
    });
    assert.equal(bytes, pdf, 'the file as sent');
    await checkAccessibility(page, 'good practice with a file');
  }, { as: 'officer' });
});
