// The partnership register and budgets as the demo holds them: the East
// Midlands partnership's 2008/09 budget says it balances; a copy whose BPI
// total was mistyped is refused with the line and the difference, and taken
// only with the imbalance accepted, when the page says it does not balance;
// a partnership proposed on the register goes to scrutiny (PaCT) before
// sanction (SMT) and is scored with the evaluation toolkit; a viewer reads
// the Local Area Agreement partnership's score history but may not decide.
// axe-core checks the pages.

import assert from 'node:assert/strict';
import test from 'node:test';
import { checkAccessibility, useBrowser } from '../lib/browser.js';

const withPage = useBrowser();

const BUDGET = '/budgets/EMRIEP-2008-09';
const BALANCES = 'Balances: allocations of £6,237k equal funds available of £6,237k.';
const stamp = Date.now();

async function uploadBudget(page, text, { accept = false } = {}) {
  await page.goto('/budgets');
  await page.getByLabel('Budget file (CSV)').setInputFiles({
    name: 'emriep.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from(text),
  });
  if (accept) await page.getByLabel(/Accept an imbalance/).check();
  await page.getByRole('button', { name: 'Import the budget' }).click();
}

test('the budget balances, and one that does not add up is shown as it is', async () => {
  await withPage('budget', async (page) => {
    await page.goto(BUDGET);
    await page.getByRole('heading', { level: 1, name: /Indicative Allocation of Resources/ }).waitFor();
    assert.equal((await page.locator('#balance').innerText()).trim(), BALANCES);
    const summary = await page.getByRole('table', { name: /The programme areas, the lines below them/ }).innerText();
    for (const figure of ['236', '385', '1,161', '6,237']) assert.match(summary, new RegExp(figure), figure);
    await checkAccessibility(page, 'budget, balanced');

    const download = await page.request.get('/export/budgets/EMRIEP-2008-09.csv');
    assert.equal(download.status(), 200);
    const printed = await download.text();
    const mistyped = printed.replace(',area_total,Total,610,', ',area_total,Total,600,');
    assert.notEqual(mistyped, printed, 'the BPI total is in the download');

    await uploadBudget(page, mistyped);
    await page.getByRole('heading', { level: 1, name: 'emriep.csv was not imported' }).waitFor();
    assert.match(
      await page.locator('#problems').innerText(),
      /Line 7, column amount: budget EMRIEP-2008-09 does not add up: BPI: the lines come to £610k, £10k more than the printed £600k/,
    );
    await checkAccessibility(page, 'budget refused');

    await uploadBudget(page, mistyped, { accept: true });
    await page.waitForURL(/\/budgets\/EMRIEP-2008-09$/);
    const balance = await page.locator('#balance').innerText();
    assert.match(balance, /Does not balance/);
    assert.match(balance, /BPI: the lines come to £610k, £10k more than the printed £600k/);
    assert.match(balance, /who accepted the imbalance/);

    // Back as printed.
    await uploadBudget(page, printed);
    await page.waitForURL(/\/budgets\/EMRIEP-2008-09$/);
    assert.equal((await page.locator('#balance').innerText()).trim(), BALANCES);
  }, { as: 'emriep' });
});

test('a proposal is scrutinised before it is sanctioned, then scored with the toolkit', async () => {
  const code = `P-E2E-${stamp}`;
  await withPage('propose', async (page) => {
    await page.goto('/partnerships');
    await page.getByRole('heading', { level: 1, name: 'Partnership register' }).waitFor();
    await checkAccessibility(page, 'partnership register');
    await page.getByLabel('Code', { exact: true }).fill(code);
    await page.getByLabel('Name', { exact: true }).fill(`Home safety checks with Age UK ${stamp}`);
    await page.getByLabel('Unit whose register holds it (code)').fill('NFRS');
    await page.getByLabel('Classification').selectOption('delivery');
    await page.getByLabel(/^Members/).fill('Age UK Notts; Nottinghamshire Fire and Rescue Service');
    await page.getByLabel('Business case', { exact: true }).fill('Referrals of older people at risk of fire');
    await page.getByLabel('Exit strategy', { exact: true }).fill('Ends with the grant; referrals continue by agreement');
    await page.getByRole('button', { name: 'Save the partnership' }).click();
    await page.waitForURL(new RegExp(`/partnerships/${code}$`));
    assert.match(await page.locator('#state').innerText(), /State: Proposed/);

    // Sanction is not offered before scrutiny.
    const steps = await page.getByLabel('Decision', { exact: true }).locator('option').allInnerTexts();
    assert.ok(!steps.some((s) => /Sanctioned/.test(s)), steps.join(' | '));
    for (const [step, body] of [['scrutinise', 'PaCT'], ['sanction', 'SMT']]) {
      await page.getByLabel('Decision', { exact: true }).selectOption(step);
      await page.getByLabel(/^Decided by/).fill(body);
      await page.getByRole('button', { name: 'Record the decision' }).click();
      await page.waitForURL(/#decisions$/);
    }
    assert.match(await page.locator('#state').innerText(), /State: Sanctioned/);
    const decisions = await page.getByRole('table', { name: 'Decisions, oldest first' }).innerText();
    assert.match(decisions, /PaCT[\s\S]*SMT/);

    // Every criterion scored 4: 44 of 55 with the toolkit's weights.
    for (const name of await page.locator('select[name^="score_"]').all()) await name.selectOption('4');
    await page.getByRole('button', { name: 'Save the evaluation' }).click();
    await page.waitForURL(/#evaluation$/);
    assert.match(await page.locator('#evaluation + p').innerText(), /44 of 55 \(80%\)/);
    const breakdown = await page.getByRole('table', { name: "The latest score's breakdown" }).innerText();
    assert.match(breakdown, /Supports the corporate aims\s+3\s+4\s+12/);
    await checkAccessibility(page, 'a sanctioned partnership');
  });
});

test('a viewer reads a partnership\'s score history and may not decide', async () => {
  await withPage('viewer reads', async (page) => {
    await page.goto('/partnerships/P-NOTTS-LAA');
    await page.getByRole('heading', { level: 1, name: 'Nottinghamshire Local Area Agreement partnership' }).waitFor();
    const history = await page.getByRole('table', { name: 'Every evaluation, oldest first' }).innerText();
    assert.match(history, /2007-03-31[\s\S]*2008-03-31/);
    assert.equal(await page.locator('.chart svg').count(), 1, 'the history is drawn');
    assert.equal(await page.getByRole('button', { name: 'Record the decision' }).count(), 0);
    assert.equal(await page.getByRole('button', { name: 'Save the evaluation' }).count(), 0);
    await checkAccessibility(page, 'a partnership, viewer');
  }, { as: 'viewer' });
});
