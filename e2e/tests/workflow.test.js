// The data workflow and data returns, as the demo's people use them: the
// City station manager sees what they owe and submits a station's drafts;
// the performance officer approves a figure, reopens it with a reason and
// finds the step in its history; and opens April's return to see who is
// overdue and who was waived. The new pages are checked by axe-core.
//
// The tests run in order in one process and change only the demo's April
// 2025 work in progress, which no other test file reads.

import assert from 'node:assert/strict';
import test from 'node:test';
import { checkAccessibility, useBrowser } from '../lib/browser.js';
import { readTable } from '../lib/stocktake.js';

const withPage = useBrowser();

/** The station whose drafts the owner submits, found on their home page. */
let station = '';

test('the owner sees what they owe on their home page and submits the station drafts for approval', async () => {
  await withPage('workflow owner submits', async (page) => {
    await page.goto('/');
    const owed = page.getByRole('region', { name: 'What you owe' });
    await owed.waitFor();
    const text = await owed.innerText();
    assert.match(text, /Fire station returns, April 2025/);
    assert.match(text, /Overdue:/, `April's return is past its deadline: ${text}`);
    assert.match(text, /due by 15 May 2025/);
    const enter = owed.getByRole('link', { name: /^Enter .*'s figures/ }).first();
    station = (await enter.innerText()).replace(/^Enter (.*)'s figures.*$/s, '$1');
    await enter.click();
    await page.getByRole('heading', { level: 1, name: `${station}, Apr 2025` }).waitFor();
    assert.match(await page.locator('main').innerText(), /Draft: not yet submitted/);
    await page.getByRole('button', { name: /^Submit \d+ drafts? for approval$/ }).click();
    const banner = page.getByRole('status');
    assert.match(await banner.innerText(), /\d+ values? submitted for approval/);
    assert.match(await page.locator('main').innerText(), /Submitted: waiting for approval/);
  }, { as: 'owner' });
});

test('the officer approves a submitted figure, reopens it with a reason, and its history shows each step', async () => {
  assert.ok(station, 'the owner test found the station');
  await withPage('workflow officer approves and reopens', async (page) => {
    await page.goto('/approvals');
    await page.getByRole('heading', { level: 1, name: 'Waiting for you' }).waitFor();
    const waiting = page.getByRole('table', { name: 'Figures submitted and waiting for approval' });
    const rows = await readTable(waiting);
    const mine = rows.filter((r) => r.Unit.startsWith(station));
    assert.ok(mine.length >= 1, `${station}'s figures wait for approval: ${JSON.stringify(rows.slice(0, 3))}`);
    assert.ok(mine.every((r) => r.State === 'Submitted: waiting for approval'));
    assert.match(mine[0]['Submitted by'], /Owen Marsh/);
    const indicator = mine[0].Indicator;
    await page.getByRole('checkbox', { name: new RegExp(`, ${escape(station)}, Apr 2025$`) }).first().check();
    await page.getByRole('button', { name: 'Approve selected' }).click();
    assert.match(await page.getByRole('status').innerText(), /1 figure approved/);

    // Reopening needs a reason: without one the page says so beside the box.
    const reopen = page.getByRole('table', { name: 'Figures you approved, newest first' });
    const approved = await readTable(reopen);
    assert.equal(approved[0].Indicator, indicator);
    assert.equal(approved[0].State, 'Approved');
    assert.match(approved[0]['Approved by'], /Priya Shah/);
    await reopen.getByRole('checkbox').first().check();
    await page.getByRole('button', { name: 'Reopen selected' }).click();
    const summary = page.getByRole('alert').filter({ hasText: 'There is a problem' });
    assert.match(await summary.innerText(), /say why you reopen/i);
    const reason = page.getByLabel('Reason for reopening');
    assert.equal(await reason.getAttribute('aria-invalid'), 'true');
    await reason.fill('The station found two calls logged twice');
    await page.getByRole('button', { name: 'Reopen selected' }).click();
    assert.match(await page.getByRole('status').innerText(), /1 figure reopened/);

    // The figure's own page: a draft again, sent back with the reason, every step in its history.
    await page.goto(`/indicators/${encodeURIComponent(indicator.split(' ').pop())}?unit=${encodeURIComponent(await unitCode(page, station))}&period=2025-04`);
    await page.getByRole('link', { name: 'History of Apr 2025' }).click();
    await page.getByRole('heading', { level: 1 }).waitFor();
    const main = await page.locator('main').innerText();
    assert.match(main, /Draft: not yet submitted/);
    assert.match(main, /Reopened by Priya Shah <officer@example.org> at .* UTC: The station found two calls logged twice/);
    const history = await readTable(page.getByRole('table', { name: /Every change to this figure/ }));
    assert.deepEqual(history.slice(0, 3).map((h) => h.What), ['Reopened', 'Approved', 'Submitted for approval']);
    assert.match(history[0].Changes, /state: approved → draft/);
    assert.equal(history[0].Reason, 'The station found two calls logged twice');
    await checkAccessibility(page, 'value history');
  }, { as: 'officer' });
});

test('the officer opens April\'s return and sees who is overdue, who was waived and the stories', async () => {
  await withPage('workflow officer reads the return', async (page) => {
    await page.goto('/returns');
    const list = await readTable(page.getByRole('table', { name: /Data returns asking units in your scope/ }));
    const april = list.find((r) => r.Return.startsWith('Fire station returns, April 2025'));
    assert.ok(april, JSON.stringify(list));
    assert.equal(april.Deadline, '15 May 2025');
    assert.ok(Number(april.Overdue) > 0, `some stations are overdue: ${JSON.stringify(april)}`);
    await checkAccessibility(page, 'returns list');

    await page.getByRole('link', { name: 'Fire station returns, April 2025' }).click();
    await page.getByRole('heading', { level: 1, name: 'Fire station returns, April 2025' }).waitFor();
    const overdue = page.getByRole('region', { name: 'Overdue since 15 May 2025' });
    const named = await overdue.innerText();
    assert.match(named, /figures submitted; (owed by|no owner is recorded)/);
    assert.match(named, new RegExp(`${escape(station)} \\(`), `${station} has a reopened draft, so it is overdue: ${named}`);
    const units = await readTable(page.getByRole('table', { name: 'Each unit asked, within your scope' }));
    const worksop = units.find((u) => u.Unit.startsWith('Worksop'));
    assert.equal(worksop?.Completeness, 'Waived');
    assert.match(worksop['Waived or cancelled because'], /refurbishment/);
    assert.ok(units.some((u) => u.Completeness === 'Overdue'));
    assert.ok(units.every((u) => ['Returned', 'Partly returned', 'Missing', 'Overdue', 'Waived', 'Cancelled'].includes(u.Completeness)));
    const stories = page.getByRole('heading', { level: 3, name: 'Safe and well visits in high-rise flats' });
    await stories.waitFor();
    await checkAccessibility(page, 'return');

    await page.goto('/returns/new');
    await page.getByRole('heading', { level: 1, name: 'Open a data return' }).waitFor();
    await checkAccessibility(page, 'new return');
    await page.goto('/approvals');
    await page.getByRole('heading', { level: 1, name: 'Waiting for you' }).waitFor();
    await checkAccessibility(page, 'approvals');
  }, { as: 'officer' });
});

/** A unit's code, from its name, through the search. */
async function unitCode(page, name) {
  const { units } = await page.evaluate(async (q) => (await fetch(`/api/v1/search?q=${encodeURIComponent(q)}`)).json(), name);
  const unit = units.find((u) => u.name === name);
  assert.ok(unit, `no unit named ${name}`);
  return unit.code;
}

function escape(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
