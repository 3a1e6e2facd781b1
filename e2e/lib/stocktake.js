// Reading Stocktake's pages the way a person does: tables by their column
// headings, statuses by their words; and its JSON API for checks behind the
// pages.

import assert from 'node:assert/strict';
import { BASE_URL } from './browser.js';

/** The words that go with each status colour (crates/core/src/status.rs). */
export const STATUS_LABELS = ['On target', 'Near target', 'Off target', 'Not rated', 'No target', 'No data'];

/**
 * The rows of a table as objects keyed by its column headings, each cell's
 * text as read (row headers included). `table` is a Locator.
 */
export async function readTable(table) {
  return table.evaluate((t) => {
    const clean = (s) => s.replace(/\s+/g, ' ').trim();
    const headRow = t.tHead?.rows[t.tHead.rows.length - 1];
    const headings = headRow ? [...headRow.cells].map((c) => clean(c.innerText)) : [];
    return [...t.tBodies].flatMap((body) =>
      [...body.rows].map((row) =>
        Object.fromEntries([...row.cells].map((cell, n) => [headings[n] ?? `column ${n + 1}`, clean(cell.innerText)])),
      ),
    );
  });
}

/** The first status word in a cell's text, or undefined. */
export function statusIn(text) {
  return STATUS_LABELS.find((label) => text.includes(label));
}

/** The first number in a cell's text ("1,234.5" → "1,234.5"), or undefined. */
export function figureIn(text) {
  return text.match(/[−-]?\d[\d,]*(?:\.\d+)?/)?.[0];
}

/**
 * The administrator's API token for the server under test: e2e/run.sh makes
 * one with `stocktake token create` when it builds the demo.
 */
export const API_TOKEN = process.env.STOCKTAKE_TOKEN ?? '';

/** GET a JSON endpoint of the server under test, with the API token. */
export async function getJson(path) {
  const response = await fetch(new URL(path, BASE_URL), {
    headers: API_TOKEN ? { Authorization: `Bearer ${API_TOKEN}` } : {},
  });
  const body = await response.text();
  assert.equal(response.status, 200, `GET ${path} answered ${response.status}: ${body.slice(0, 500)}`);
  return JSON.parse(body);
}

/** The entered values the API lists for a query such as `indicator=NI192&from=2014/15&to=2014/15`. */
export async function enteredValues(query) {
  const { values } = await getJson(`/api/v1/values?${query}`);
  return values;
}

/**
 * Uploads a file on the import page, as `kind` ("Values", "Targets", ...),
 * and waits for the check's answer: the preview, or the problems by line.
 */
export async function uploadForImport(page, kind, name, text) {
  await page.goto('/import');
  await page.getByLabel(kind, { exact: true }).check();
  await page.getByLabel('File', { exact: true }).setInputFiles({ name, mimeType: 'text/csv', buffer: Buffer.from(text) });
  await page.getByRole('button', { name: 'Check the file' }).click();
  await page.getByRole('heading', { level: 1, name: new RegExp(escape(name)) }).waitFor();
}

/**
 * Confirms a previewed import and waits for the confirmation ("3 values
 * imported"). `ratify`: record targets as ratified by the committee, so they
 * judge at once; `reason`: why approved figures change.
 */
export async function confirmImport(page, { ratify = false, reason } = {}) {
  if (ratify) await page.getByLabel(/These targets have been ratified/).check();
  if (reason) await page.getByLabel('Reason for changing approved figures').fill(reason);
  await page.getByRole('button', { name: /^Import \d+ / }).click();
  await page.waitForURL(/\/import\?imported=/);
  return page.getByRole('status').innerText();
}

function escape(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Rows of a CSV text (header row first, quoted cells allowed) as objects keyed by column. */
export function parseCsv(text) {
  const rows = [];
  let row = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') {
        quoted = false;
      } else {
        cell += c;
      }
    } else if (c === '"') {
      quoted = true;
    } else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else {
      cell += c;
    }
  }
  if (cell !== '' || row.length > 0) rows.push([...row, cell]);
  const [header, ...body] = rows.filter((r) => r.some((c) => c !== ''));
  return body.map((r) => Object.fromEntries(header.map((h, n) => [h.replace(/^\uFEFF/, ''), r[n] ?? ''])));
}
