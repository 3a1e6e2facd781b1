// Administering Stocktake as its administrator does: adding a person with
// where they work, putting them in a closed group, reading the audit trail
// filtered to what they did and a record's history. A viewer is refused the
// administrator's pages. Every new page is checked with axe-core.

import assert from 'node:assert/strict';
import test from 'node:test';
import { checkAccessibility, PEOPLE, useBrowser } from '../lib/browser.js';
import { readTable } from '../lib/stocktake.js';

const withPage = useBrowser();

/** A person this file adds, new on every run. */
const stamp = Date.now();
const NEWCOMER = {
  email: `gill.vance.${stamp}@gose.example.gov.uk`,
  name: `Gill Vance ${stamp}`,
};

test('the administrator adds an account with its scope, and sees it on its page and in the list', async () => {
  await withPage('admin adds an account', async (page) => {
    await page.goto('/admin/accounts');
    await page.getByRole('link', { name: 'Add an account' }).click();
    await page.getByRole('heading', { level: 1, name: 'Add an account' }).waitFor();
    await checkAccessibility(page, 'new account form');

    // Forgetting the password is refused, saying what to do, and keeps what was typed.
    await page.getByLabel('Email address').fill(NEWCOMER.email);
    await page.getByLabel('Name', { exact: true }).fill(NEWCOMER.name);
    await page.getByLabel('Viewer').check();
    await page.getByLabel('Add a unit (and everything below it)').selectOption('NFRS-CITY');
    await page.getByRole('button', { name: 'Add the account' }).click();
    const summary = page.getByRole('alert').filter({ hasText: 'There is a problem' });
    await summary.waitFor();
    assert.match(await summary.innerText(), /Give a first password of at least \d+ characters/);
    assert.equal(await page.getByLabel('Email address').inputValue(), NEWCOMER.email);
    await checkAccessibility(page, 'new account form with an error');

    await page.getByLabel('First password').fill('a long first password');
    await page.getByRole('button', { name: 'Add the account' }).click();
    await page.getByRole('heading', { level: 1, name: NEWCOMER.name }).waitFor();
    assert.match(await page.getByRole('status').innerText(), /is added and can sign in/);
    // Where they work, as the form now holds it.
    const city = page.getByLabel('City (NFRS-CITY) and everything below it');
    assert.equal(await city.isChecked(), true);
    assert.equal(await page.getByLabel('Viewer').isChecked(), true);
    await checkAccessibility(page, 'account page');

    // A second part of the hierarchy: North too.
    await page.getByLabel('Add a unit (and everything below it)').selectOption('NFRS-NORTH');
    await page.getByRole('button', { name: 'Save changes' }).click();
    assert.match(await page.getByRole('status').innerText(), /The changes are saved/);
    assert.equal(await page.getByLabel('North (NFRS-NORTH) and everything below it').isChecked(), true);

    await page.goto('/admin/accounts');
    const rows = await readTable(page.getByRole('table', { name: /Accounts, by email/ }));
    const row = rows.find((r) => r.Email === NEWCOMER.email);
    assert.ok(row, `${NEWCOMER.email} is listed`);
    assert.equal(row.Role, 'Viewer');
    assert.match(row['Works in'], /City \(NFRS-CITY\) and everything below it/);
    assert.match(row['Works in'], /North \(NFRS-NORTH\) and everything below it/);
    assert.equal(row.State, 'Active');
    await checkAccessibility(page, 'accounts list');
  });
});

test('the administrator puts someone from an outside body in a closed group and takes them out', async () => {
  await withPage('admin closed groups', async (page) => {
    const code = `AGENTS-${stamp}`;
    await page.goto('/admin/closed-groups');
    await page.getByLabel('Code', { exact: true }).fill(code);
    await page.getByLabel('Name', { exact: true }).fill('Regional change agents');
    await page.getByLabel('Description (optional)').fill('Chatham House: intelligence on authorities at risk');
    await page.getByRole('button', { name: 'Save the group' }).click();
    assert.match(await page.getByRole('status').innerText(), new RegExp(`Closed group ${code} is saved`));

    const group = page.getByRole('region', { name: new RegExp(code) });
    await group.getByLabel('Add a member to Regional change agents').selectOption(NEWCOMER.email);
    await group.getByRole('button', { name: 'Add to the group' }).click();
    assert.match(await page.getByRole('status').innerText(), /is a member of/);
    const members = await readTable(page.getByRole('region', { name: new RegExp(code) }).getByRole('table'));
    assert.deepEqual(members.map((m) => m.Email), [NEWCOMER.email]);
    await checkAccessibility(page, 'closed groups');

    await page
      .getByRole('region', { name: new RegExp(code) })
      .getByRole('button', { name: `Remove ${NEWCOMER.email} from Regional change agents` })
      .click();
    assert.match(await page.getByRole('status').innerText(), /is no longer a member/);
    await page.getByRole('button', { name: new RegExp(`Remove the group ${code}`) }).click();
    assert.match(await page.getByRole('status').innerText(), new RegExp(`Closed group ${code} is removed`));
  });
});

test('the administrator finds the change in the audit trail, filtered, and the record\'s history', async () => {
  await withPage('admin audit trail', async (page) => {
    await page.goto('/audit');
    await page.getByLabel('Who').fill(PEOPLE.admin.email);
    await page.getByLabel('Kind of record').selectOption('account');
    await page.getByLabel('Record', { exact: true }).fill(NEWCOMER.email);
    await page.getByRole('form', { name: 'Search the trail' }).getByRole('button', { name: 'Search' }).click();
    await page.getByRole('heading', { name: 'What the search found' }).waitFor();
    const lines = await readTable(page.getByRole('table', { name: /Changes, newest first/ }));
    // Added, a second unit, into the group and out of it: newest first.
    assert.ok(lines.length >= 4, JSON.stringify(lines, null, 2));
    assert.ok(lines.every((l) => l.Who.includes(PEOPLE.admin.email)), JSON.stringify(lines));
    const created = lines.at(-1);
    assert.match(created.What, /Created/);
    assert.match(created.Through, /Web page/);
    assert.match(created.Changes, /role/);
    assert.match(created.Changes, /viewer/);
    assert.ok(
      lines.some((l) => /scope/.test(l.Changes) && /NFRS-NORTH/.test(l.Changes)),
      'the second unit added shows with its before and after',
    );
    await checkAccessibility(page, 'audit trail filtered');
    // The same search as CSV.
    const csvHref = await page.getByRole('link', { name: /Download what the search finds as CSV/ }).getAttribute('href');
    assert.match(csvHref, /^\/audit\.csv\?/);
    assert.match(decodeURIComponent(csvHref), new RegExp(NEWCOMER.email.replace(/\./g, '\\.')));

    // A day that is not a day says how to write one.
    await page.goto('/audit?from=1+April');
    const problem = page.getByRole('alert').filter({ hasText: 'There is a problem' });
    assert.match(await problem.innerText(), /give it as YYYY-MM-DD/);
    await checkAccessibility(page, 'audit trail with an error');

    // The record's history, from its own page.
    await page.goto(`/admin/accounts/${encodeURIComponent(NEWCOMER.email)}`);
    await page.getByRole('link', { name: /History of this account/ }).click();
    await page.getByRole('heading', { level: 1, name: `Account ${NEWCOMER.email}` }).waitFor();
    const history = await readTable(page.getByRole('table', { name: /Changes to Account/ }));
    assert.equal(history.length, lines.length, 'the history holds every change to the account');
    assert.match(history.at(-1).What, /Created/);
    await checkAccessibility(page, 'record history');

    // A unit's page leads to its record's history too.
    await page.goto('/units/NFRS-CITY?period=2025-03');
    await page.getByRole('link', { name: "History of this unit's record" }).click();
    await page.getByRole('heading', { level: 1, name: 'Organisation unit NFRS-CITY' }).waitFor();
  });
});

test('a viewer is refused the administrator\'s pages and the audit trail', async () => {
  await withPage('viewer refused admin', async (page) => {
    for (const path of ['/admin/accounts', '/admin/accounts/new', '/admin/closed-groups', '/audit']) {
      const response = await page.goto(path);
      assert.equal(response.status(), 403, `${path} answers 403 to a viewer`);
      await page.getByRole('heading', { level: 1, name: 'There is a problem' }).waitFor();
    }
    // Nor does the navigation offer them.
    await page.goto('/');
    assert.equal(await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Accounts' }).count(), 0);
    assert.equal(await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Audit' }).count(), 0);
  }, { as: 'viewer' });
});
