// The national framework in the demo: a performance officer's 36th
// designated target is refused on the agreement's page, naming the rule;
// the Nottinghamshire LAA counts its designated targets and shows each one's
// status in words, by theme and by partner; the fire service's CPA
// assessment shows the self-assessment beside the Audit Commission's
// judgement, the gap in words and the action it raised. axe-core checks the
// pages.
//
// The test writes its own indicators, set and agreement, under codes new on
// every run, so it changes nothing another test reads.

import assert from 'node:assert/strict';
import test from 'node:test';
import { checkAccessibility, useBrowser } from '../lib/browser.js';
import { confirmImport, uploadForImport } from '../lib/stocktake.js';

const withPage = useBrowser();

const stamp = Date.now();
const SET = `E2E-NIS-${stamp}`;
const LAA = `E2E-LAA-${stamp}`;
const code = (n) => `E2E${stamp}-${n}`;
const RULE = 'An LAA designates at most 35 targets from the national indicator set; this would be the 36th';

test('a 36th designated target is refused on the agreement\'s page, naming the rule', async () => {
  await withPage('laa 36th', async (page) => {
    const indicators = ['code,title,kind,polarity,frequency,unit,decimals'];
    for (let n = 1; n <= 36; n += 1) indicators.push(`${code(n)},E2E national indicator ${n},count,higher_is_better,year,count,0`);
    await uploadForImport(page, 'Indicators', `e2e-indicators-${stamp}.csv`, indicators.join('\n'));
    assert.match(await confirmImport(page), /36 indicators imported/);

    await page.goto('/framework');
    await page.getByLabel('Code', { exact: true }).first().fill(SET);
    await page.getByLabel('Name', { exact: true }).fill(`E2E national set ${stamp}`);
    await page.getByLabel('Indicators (codes, separated by ;)').fill(Array.from({ length: 36 }, (_, i) => code(i + 1)).join('; '));
    await page.getByRole('button', { name: 'Save the set' }).click();
    await page.waitForURL(new RegExp(`/framework/sets/${SET}$`));
    assert.match(await page.getByRole('heading', { level: 2, name: /indicators/ }).innerText(), /36 indicators/);

    await page.goto('/framework');
    await page.locator('#laa-code').fill(LAA);
    await page.locator('#laa-title').fill(`E2E agreement ${stamp}`);
    await page.locator('#laa-unit').fill('E10000024');
    await page.locator('#laa-year').fill('2008/09');
    await page.locator('#laa-set').selectOption(SET);
    await page.getByRole('button', { name: 'Save the agreement' }).click();
    await page.waitForURL(new RegExp(`/framework/laas/${LAA}$`));

    // 35 designated, imported as one file from the framework page.
    await page.goto('/framework#import');
    const lines = ['laa,indicator,kind,theme,partner'];
    for (let n = 1; n <= 35; n += 1) lines.push(`${LAA},${code(n)},designated,Safer communities,County council`);
    await page.getByLabel('laa-targets', { exact: true }).check();
    await page.getByLabel('File', { exact: true }).setInputFiles({ name: `e2e-targets-${stamp}.csv`, mimeType: 'text/csv', buffer: Buffer.from(lines.join('\n')) });
    await page.getByRole('button', { name: 'Import' }).click();
    await page.getByRole('status').getByText(/35 lines of e2e-targets/).waitFor();

    await page.goto(`/framework/laas/${LAA}`);
    assert.equal(await page.locator('#designated-count').innerText(), '35 of 35 designated');
    await page.getByLabel('Indicator (code)').first().fill(code(36));
    await page.getByLabel('Kind').selectOption('designated');
    await page.getByRole('button', { name: 'Save the target' }).click();
    const body = await page.locator('main').innerText();
    assert.match(body, new RegExp(RULE.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
    await checkAccessibility(page, 'laa, 36th refused');

    await page.goto(`/framework/laas/${LAA}`);
    assert.equal(await page.locator('#designated-count').innerText(), '35 of 35 designated', 'nothing was added');
  }, { as: 'officer' });
});

test('the county\'s agreement counts its designated targets, with each status in words', async () => {
  await withPage('laa', async (page) => {
    await page.goto('/framework');
    await page.getByRole('heading', { level: 1, name: 'The national framework' }).waitFor();
    await checkAccessibility(page, 'framework front page');
    await page.getByRole('link', { name: 'Nottinghamshire Local Area Agreement' }).click();
    await page.waitForURL(/\/framework\/laas\/NOTTS-LAA$/);
    assert.equal(await page.locator('#designated-count').innerText(), '5 of 35 designated');
    const theme = await page.getByRole('table', { name: 'Waste and environment: designated targets' }).innerText();
    assert.match(theme, /Percentage of household waste sent for reuse, recycling and composting/);
    assert.match(theme, /On target|Near target|Off target|No data/, 'status in words');
    await checkAccessibility(page, 'laa');
  }, { as: 'officer' });
});

test('a viewer of the fire service reads its assessment, without forms, and not the county\'s agreement', async () => {
  await withPage('assessment', async (page) => {
    await page.goto('/framework');
    await page.getByRole('link', { name: 'Fire CPA 2005' }).click();
    await page.getByRole('heading', { level: 1, name: 'Fire CPA 2005' }).waitFor();
    assert.match(await page.locator('#judgement').innerText(), /Fair, 2005-03-31, by Audit Commission/);
    assert.equal(await page.locator('#gap').innerText(), 'Self-assessed one level above the judgement (Good against Fair)');
    assert.match(await page.locator('#line-PM3').innerText(), /Self-assessed 2 levels above the judgement \(Good against Weak\)/);
    assert.match(await page.locator('#line-PM3').innerText(), /NFRS-KLOE-2007 1\.1/);
    assert.equal(await page.getByRole('button', { name: 'Save the self-assessment' }).count(), 0, 'a viewer has no form');
    await checkAccessibility(page, 'assessment');
    const outside = await page.goto('/framework/laas/NOTTS-LAA');
    assert.equal(outside.status(), 404, 'the county is outside the viewer\'s scope');
  }, { as: 'viewer' });
});

test('the agreement works at 390px wide', async () => {
  await withPage('framework narrow', async (page) => {
    await page.goto('/framework/laas/NOTTS-LAA');
    await page.getByRole('heading', { level: 1, name: 'Nottinghamshire Local Area Agreement' }).waitFor();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 0, `the page scrolls sideways by ${overflow}px`);
  }, { as: 'officer', viewport: { width: 390, height: 844 } });
});

test('data entry chosen by indicator set shows only the set\'s indicators, and a save keeps the set', async () => {
  await withPage('entry by set', async (page) => {
    const ENTRY_SET = `E2E-ENTRY-${stamp}`;
    const ours = (n) => `E2E${stamp}-E${n}`;
    const indicators = ['code,title,kind,polarity,frequency,unit,decimals'];
    for (let n = 1; n <= 2; n += 1) indicators.push(`${ours(n)},E2E entry indicator ${n},count,higher_is_better,year,count,0`);
    await uploadForImport(page, 'Indicators', `e2e-entry-indicators-${stamp}.csv`, indicators.join('\n'));
    assert.match(await confirmImport(page), /2 indicators imported/);
    await page.goto('/framework');
    await page.getByLabel('Code', { exact: true }).first().fill(ENTRY_SET);
    await page.getByLabel('Name', { exact: true }).fill(`E2E entry set ${stamp}`);
    await page.getByLabel('Indicators (codes, separated by ;)').fill(`${ours(1)}; ${ours(2)}`);
    await page.getByRole('button', { name: 'Save the set' }).click();
    await page.waitForURL(new RegExp(`/framework/sets/${ENTRY_SET}$`));

    await page.goto('/entry/E10000024?period=2008/09');
    await page.getByLabel('Indicator set').selectOption(ENTRY_SET);
    await page.getByRole('button', { name: 'Show', exact: true }).click();
    await page.waitForURL(new RegExp(`set=${ENTRY_SET}`));
    const legends = await page.locator('#entry-form legend').allInnerTexts();
    assert.equal(legends.length, 2, `only the set's two indicators: ${legends.join(' | ')}`);
    assert.ok(legends.every((l) => l.startsWith('E2E entry indicator')), legends.join(' | '));
    await checkAccessibility(page, 'data entry by set');

    await page.getByLabel(`Value for ${ours(1)}`).fill('12');
    await page.getByRole('button', { name: 'Save values' }).click();
    await page.getByRole('status').getByText('1 value saved').waitFor();
    assert.match(page.url(), new RegExp(`set=${ENTRY_SET}`), 'the set survives the save');
    assert.equal(await page.getByLabel('Indicator set').inputValue(), ENTRY_SET);
    assert.match(await page.locator('main').innerText(), new RegExp(`Only the indicators of the E2E entry set ${stamp} are shown`));
    const after = await page.locator('#entry-form legend').allInnerTexts();
    assert.ok(after.length >= 1 && after.every((l) => l.startsWith('E2E entry indicator')), after.join(' | '));
  }, { as: 'officer' });
});

test('a draft assessment is deleted after a confirmation page; a judged one is kept, saying why', async () => {
  await withPage('delete assessment', async (page) => {
    // The demo's judged assessment: the confirmation refuses, with the reason.
    await page.goto('/framework');
    await page.getByRole('link', { name: 'Fire CPA 2005' }).click();
    await page.getByRole('link', { name: /Delete this assessment/ }).click();
    await page.getByRole('heading', { level: 2, name: 'This assessment cannot be deleted' }).waitFor();
    assert.match(await page.locator('#refusal').innerText(), /it has an external judgement \(Fair on 2005-03-31 by Audit Commission\), and a judged assessment is kept with its judgement history/);
    assert.equal(await page.getByRole('button', { name: 'Delete the assessment' }).count(), 0);
    await checkAccessibility(page, 'delete refused');

    // A draft of our own: confirmed, then gone.
    const title = `E2E draft ${stamp}`;
    await page.goto('/framework#new-assessment');
    await page.locator('#as-framework').selectOption('FIRE-CPA');
    await page.locator('#as-unit').fill('NFRS');
    await page.locator('#as-title').fill(title);
    await page.locator('#as-date').fill('2008-10-01');
    await page.getByRole('button', { name: 'Start the assessment' }).click();
    await page.getByRole('heading', { level: 1, name: title }).waitFor();
    await page.getByRole('link', { name: /Delete this assessment/ }).click();
    await page.getByRole('heading', { level: 1, name: new RegExp(`Delete ${title}`) }).waitFor();
    assert.match(await page.locator('#removes').innerText(), /the assessment and its \d+ lines/);
    await checkAccessibility(page, 'delete confirmation');
    await page.getByRole('link', { name: 'No, keep the assessment' }).click();
    await page.getByRole('heading', { level: 1, name: title }).waitFor();
    await page.getByRole('link', { name: /Delete this assessment/ }).click();
    await page.getByRole('button', { name: 'Delete the assessment' }).click();
    await page.getByRole('status').getByText(/Assessment \d+ is deleted/).waitFor();
    assert.equal(await page.getByRole('link', { name: title }).count(), 0, 'no longer listed');
  }, { as: 'admin' });
});
