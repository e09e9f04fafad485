// 0014 (issue 11): a ledger in use at version 13, with returned requests and its journal, gets the
// (state, branch_id, received_at) index the 差戻し一覧 and its count read. An index holds no rows:
// the upgrade appends nothing to the journal, and the ledger still verifies in full after the
// counter works on it at version 14.
import fs from 'node:fs'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { LATEST_SCHEMA_VERSION } from '../../db/migrations'
import { openSqlite } from '../../db/open'
import { createTestApp, expectLedgerVerifies, type TestApp } from '../helpers/app'
import { addCustomers } from '../helpers/ledgerFiles'
import { customerRow, suspensionForm } from '../helpers/forms'

const apps: TestApp[] = []
afterEach(() => {
  for (const a of apps.splice(0)) {
    if (a.ctx.sqlite.open) a.close()
    fs.rmSync(a.dir, { recursive: true, force: true })
  }
})

describe('migration 0014', () => {
  it('adds the branch/state index to a v13 ledger in use, journals nothing, and the ledger verifies after work on it', async () => {
    const a = await createTestApp()
    const first = (a.ctx.sqlite.prepare('SELECT max(id) AS n FROM customers').get() as { n: number }).n + 1
    addCustomers(a.ctx.sqlite, 3)
    await a.loginAs('teller1', 't')
    await a.loginAs('super1', 's')
    const got = []
    for (let i = 0; i < 3; i++) got.push(await a.ok('requests.receiveSuspension', suspensionForm(customerRow(a.ctx, first + i)), 't'))
    const returned = []
    for (const r of got.slice(0, 2)) returned.push(await a.ok('requests.return', { requestId: r.id, version: r.version, reason: '記載漏れ' }, 's'))
    a.close()

    // The same ledger as version 13 left it: without the index, at user_version 13 (and without
    // 0015's request_submissions, empty here: these receptions carried no key; 0015's staff rebuild
    // keeps every row as it was, so running it again on the way up changes nothing).
    const file = path.join(a.dir, 'ledger.sqlite')
    expect(fs.existsSync(file)).toBe(true)
    const old = openSqlite(file)
    expect(old.prepare('SELECT count(*) FROM request_submissions').pluck().get()).toBe(0)
    old.exec('DROP INDEX otp_requests_state_branch_idx; DROP TABLE request_submissions')
    old.pragma('user_version = 13')
    const entriesAt13 = old.prepare('SELECT count(*) FROM ledger_journal').pluck().get() as number
    old.close()

    const b = await createTestApp({ dir: a.dir })
    apps.push(b)
    const db = b.ctx.sqlite
    expect(db.pragma('user_version', { simple: true })).toBe(LATEST_SCHEMA_VERSION)
    expect(LATEST_SCHEMA_VERSION).toBeGreaterThanOrEqual(14)
    expect(db.prepare("SELECT sql FROM sqlite_master WHERE name = 'otp_requests_state_branch_idx'").pluck().get()).toMatch(/ON otp_requests\(state, branch_id, received_at\)/)
    expect(db.prepare('SELECT count(*) FROM ledger_journal').pluck().get()).toBe(entriesAt13) // an index adds no rows
    expectLedgerVerifies(b.ctx)

    // The counter works on the upgraded ledger: the returned list, a resubmission; it verifies.
    await b.loginAs('teller1', 't')
    const list = await b.ok('requests.returnedToMe', {}, 't')
    expect(list.total).toBe(2)
    expect(list.items.map((r) => r.id).sort()).toEqual(returned.map((r) => r.id).sort())
    const c = customerRow(b.ctx, list.items[0]!.customerId)
    await b.ok('requests.resubmit', { requestId: list.items[0]!.id, version: list.items[0]!.version, form: { kind: 'suspension', ...suspensionForm(c) } }, 't')
    expect((await b.ok('requests.returnedToMe', {}, 't')).total).toBe(1)
    const plan = db.prepare("EXPLAIN QUERY PLAN SELECT count(*) FROM otp_requests WHERE state = 'returned' AND branch_id = 1").all() as { detail: string }[]
    expect(plan.map((p) => p.detail).join(' ')).toContain('COVERING INDEX otp_requests_state_branch_idx')
    expectLedgerVerifies(b.ctx)
  })
})
