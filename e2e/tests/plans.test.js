// Improvement plans and projects as the fire service keeps them, in the
// demo: the CPA plan counts its action points as the progress report does;
// a performance officer writes next year's plan, adds an action and carries
// it forward, and both pages link to each other; a project cannot take an
// update before PaCT approves it nor close without its evaluation; the work
// programme's quarterly report; a viewer reads but is offered no forms.
// axe-core checks the pages.

import assert from 'node:assert/strict';
import test from 'node:test';
import { checkAccessibility, useBrowser } from '../lib/browser.js';
import { parseCsv } from '../lib/stocktake.js';

const withPage = useBrowser();

/** Codes new on every run, so a run finds only what it wrote. */
const stamp = Date.now();
const PLAN = `E2E-${stamp}`;
const NEXT = `E2E-NEXT-${stamp}`;
const PROJECT = `E2E-TRACK-${stamp}`;

test("the CPA plan counts its action points and shows what was carried into 2007/08", async () => {
  await withPage('cpa plan', async (page) => {
    await page.goto('/plans');
    await page.getByRole('link', { name: 'CPA improvement plan 2006/07' }).click();
    await page.waitForURL(/\/plans\/NFRS-CPA-2005$/);
    const counts = await page.locator('#counts').innerText();
    assert.equal(counts, '40 action points: 21 complete, 3 complete with ongoing support, 16 carried forward');
    assert.ok(await page.getByRole('heading', { name: 'Theme 4: Partnership working' }).isVisible());
    await checkAccessibility(page, 'improvement plan');
    await page.getByRole('link', { name: 'Evaluate Performance Net' }).click();
    await page.getByRole('heading', { level: 1, name: 'Action point 1.10' }).waitFor();
    assert.match(await page.locator('#status').innerText(), /Carried forward/);
    await page.locator('#carried-to').getByRole('link').click();
    await page.getByRole('heading', { level: 1, name: 'Action point 1.10' }).waitFor();
    assert.match(await page.locator('dd', { hasText: 'Action point 1.10 of NFRS-CPA-2005' }).innerText(), /2006\/07/);
    const csv = await page.request.get('/export/plans/NFRS-BP-2007-actions.csv');
    assert.equal(csv.status(), 200);
    const rows = parseCsv(await csv.text());
    assert.equal(rows.length, 16, 'the carried actions continue in the business plan');
    assert.ok(rows.every((r) => r.status === 'In progress'));
  }, { as: 'viewer' });
});

test('a performance officer carries an open action into next year\'s plan', async () => {
  await withPage('carry forward', async (page) => {
    await page.goto('/plans');
    await page.getByText('New improvement plan').click();
    await page.getByLabel('Code', { exact: true }).first().fill(PLAN);
    await page.getByLabel('Title', { exact: true }).first().fill('Station improvement plan');
    await page.getByLabel('Unit code (the plan\'s owner)').fill('NFRS-CITY');
    await page.getByLabel('Financial year (such as 2006/07)').fill('2024/25');
    await page.getByRole('button', { name: 'Save plan' }).click();
    await page.waitForURL(new RegExp(`/plans/${PLAN}$`));
    await page.getByText('Add or change a theme').click();
    await page.getByLabel('Reference (an existing one changes that theme)').fill('1');
    await page.getByLabel('Title', { exact: true }).fill('Prevention');
    await page.getByRole('button', { name: 'Save theme' }).click();
    await page.getByText('Add an action point').click();
    await page.getByLabel('Reference (such as 1.12)').fill('1.1');
    await page.getByLabel('Action', { exact: true }).fill('Home fire safety checks in the city centre');
    await page.getByLabel('Due (YYYY-MM-DD)').fill('2025-03-31');
    await page.getByLabel('Status', { exact: true }).selectOption('in_progress');
    await page.getByRole('button', { name: 'Add action point' }).click();
    assert.match(await page.locator('#counts').innerText(), /^1 action point: 1 in progress$/);
    assert.match(await page.getByRole('cell', { name: /In progress/ }).innerText(), /Overdue/, 'past due, flagged in words');
    await page.getByRole('link', { name: 'Home fire safety checks in the city centre' }).click();
    await page.getByLabel('Progress', { exact: true }).fill('Two wards done');
    await page.getByRole('button', { name: 'Add progress' }).click();
    await page.locator('#progress').waitFor();
    assert.ok(await page.getByText(/Two wards done/).isVisible());
    await page.getByLabel("Next year's plan (code)").fill(NEXT);
    await page.getByLabel('Title, for a new plan').fill('Station improvement plan 2025/26');
    await page.getByRole('button', { name: 'Carry forward' }).click();
    await page.getByRole('heading', { level: 1, name: 'Action point 1.1' }).waitFor();
    assert.match(await page.locator('dd', { hasText: PLAN }).first().innerText(), /2024\/25/);
    await page.goto(`/plans/${NEXT}`);
    assert.equal(await page.locator('#counts').innerText(), '1 action point: 1 in progress');
    assert.ok(await page.getByRole('link', { name: PLAN }).isVisible(), 'follows on from the old plan');
    await page.goto(`/plans/${PLAN}`);
    assert.equal(await page.locator('#counts').innerText(), '1 action point: 1 carried forward');
    assert.equal(await page.getByText(/is overdue/).count(), 0, 'a carried action is not overdue');
  }, { as: 'officer' });
});

test('a project takes no update before approval and does not close without its evaluation', async () => {
  await withPage('project gates', async (page) => {
    await page.goto('/plans');
    await page.getByText('Propose a project').click();
    await page.getByLabel('Code', { exact: true }).last().fill(PROJECT);
    await page.getByLabel('Title', { exact: true }).last().fill('Smoke alarms for new tenants');
    await page.getByLabel('Unit code', { exact: true }).last().fill('NFRS');
    await page.getByLabel('Health and safety assessment').fill('Crews in pairs');
    await page.getByLabel('Equality impact assessment').fill('Positive for tenants on low incomes');
    await page.getByRole('button', { name: 'Propose project' }).click();
    await page.waitForURL(new RegExp(`/projects/${PROJECT}$`));
    assert.match(await page.getByRole('status').innerText(), /lacks its risk analysis, stakeholder analysis/);
    await checkAccessibility(page, 'proposed project');
    // No update before approval: the page offers no form, and a post is refused.
    assert.equal(await page.getByRole('button', { name: 'Add update' }).count(), 0);
    const refused = await page.request.post(`/projects/${PROJECT}/updates`, {
      form: { progress: 'Early start', rag: 'green', csrf: await page.locator('input[name=csrf]').first().inputValue() },
      maxRedirects: 0,
    });
    assert.equal(refused.status(), 422);
    assert.match(await refused.text(), /proposed, not yet approved: updates start once the scrutiny group approves it/);
    // Not to scrutiny without the assessments.
    await page.getByLabel('The decision and the reasons given').fill('Approved');
    await page.getByRole('button', { name: 'Record the decision' }).click();
    assert.match(await page.locator('#error-message').innerText(), /cannot go to scrutiny without its risk analysis and stakeholder analysis/);
  }, { as: 'officer' });

  await withPage('approved project', async (page) => {
    await page.goto('/projects/TRACK-HFSC?quarter=2007/08%20Q2');
    assert.match(await page.locator('#gate').innerText(), /approved/);
    assert.match(await page.locator('#decision').locator('xpath=following-sibling::p[1]').innerText(), /by PaCT on 2007-04-02/);
    const quarter = page.getByRole('heading', { name: '2007/08 Q2: 2007-07-01 to 2007-09-30' });
    await quarter.waitFor();
    assert.ok(await page.getByText('Referrals from social services slower than planned.').first().isVisible());
    assert.ok(await page.locator('.status--amber', { hasText: 'Amber' }).first().isVisible(), 'RAG in words beside its colour');
    await checkAccessibility(page, 'approved project with its quarter');
    await page.getByLabel('What worked').fill('Referrals from social services');
    await page.getByRole('button', { name: 'Close the project' }).click();
    assert.match(await page.locator('#error-message').innerText(), /cannot close without its evaluation: say the lessons learned/);
  }, { as: 'officer' });
});

test("the work programme's quarterly report, and a viewer offered no forms", async () => {
  await withPage('programme', async (page) => {
    await page.goto('/programmes/LGA-JWP-2007');
    await page.getByLabel(/^Quarter/).fill('2007/08 Q2');
    await page.getByRole('button', { name: 'Show the quarter' }).click();
    await page.getByRole('heading', { name: '2007/08 Q2: 2007-07-01 to 2007-09-30' }).waitFor();
    assert.ok(await page.getByText(/67 graduates recruited/).first().isVisible());
    await checkAccessibility(page, 'work programme quarter');
  }, { as: 'officer' });

  await withPage('viewer', async (page) => {
    await page.goto('/plans/NFRS-CPA-2005');
    await page.locator('#counts').waitFor();
    assert.equal(await page.getByRole('button', { name: 'Add action point' }).count(), 0);
    await page.goto('/projects/TRACK-HFSC');
    await page.locator('#gate').waitFor();
    assert.equal(await page.getByRole('button', { name: 'Close the project' }).count(), 0);
  }, { as: 'viewer' });
});
