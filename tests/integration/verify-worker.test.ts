// The full verification of the journal runs in a worker thread (issue 15): on demand from the
// administrators' screen the main process keeps answering every terminal while it runs, and once
// in the background after start, where it finds what the incremental check at start cannot: an
// old row edited behind the app that no later entry touched.
import Database from 'better-sqlite3'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { writeAudit } from '../../electron/main/audit'
import { auditRows, createTestApp, type TestApp } from '../helpers/app'
import { customersIn } from '../helpers/forms'
import { closeCheckpointed } from '../helpers/ledgerFiles'

let app: TestApp | null = null
afterEach(() => {
  if (app?.ctx.sqlite.open) app.close()
  app = null
})

/** `n` more journal entries, each one command with its audit row, as the app appends them. */
async function appendEntries(t: TestApp, n: number): Promise<void> {
  const s = t.ctx.sqlite
  s.pragma('synchronous = OFF') // building only
  for (let i = 0; i < n; i++)
    await t.ctx.ledger.write((tx) =>
      writeAudit(tx, { at: new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString(), actorId: null, actorLoginId: 'bulk', action: 'bulk.entry', outcome: 'ok', target: `bulk:${i}` }),
    )
  s.pragma('synchronous = FULL')
}

describe('integrity.verify on demand', () => {
  it('runs in a worker: a customer search answers before it ends, a second run is refused in Japanese, the result is kept and audited', { timeout: 120_000 }, async () => {
    app = await createTestApp()
    await appendEntries(app, 25_000)
    await app.loginAs('admin1', 'a')
    await app.loginAs('teller1', 't')
    let verifyDoneAt = 0
    const verifying = app.raw('integrity.verify', {}, 'a').then((r) => {
      verifyDoneAt = performance.now()
      return r
    })
    // The status says it runs, with how far it got.
    await vi.waitFor(async () => expect((await app!.ok('integrity.status', {}, 'a')).running).toMatchObject({ kind: 'demand' }), { timeout: 10_000, interval: 20 })
    const second = await app.err('integrity.verify', {}, 'a')
    expect(second.code).toBe('VERIFY_RUNNING')
    expect(second.message).toContain('台帳の検証を実行中です')
    const c = customersIn(app.ctx, 'in_use')[0]!
    const found = await app.ok('customers.search', { branchCode: c.account_branch_code, accountNumber: c.account_number }, 't')
    const searchedAt = performance.now()
    expect(found.map((x) => x.id)).toContain(c.id)
    expect(verifyDoneAt).toBe(0) // the verification was still running when the search answered
    const r = await verifying
    expect(verifyDoneAt).toBeGreaterThan(searchedAt)
    if (!r.ok) throw new Error(r.error.message)
    const report = r.value as { ok: boolean; mode: string; entriesChecked: number; checkedAt: string }
    expect(report).toMatchObject({ ok: true, mode: 'full' })
    expect(report.entriesChecked).toBeGreaterThan(25_000)
    const status = await app.ok('integrity.status', {}, 'a')
    expect(status).toMatchObject({ ok: true, running: null, lastFullCheckedAt: report.checkedAt })
    const audited = auditRows(app.ctx).filter((a) => a.action === 'integrity.verify')
    expect(audited.map((a) => a.outcome)).toEqual(['refused', 'ok']) // the refused second run, then the run itself
    expect(JSON.parse(audited[1]!.detail_json!)).toMatchObject({ trigger: 'demand', result: 'ok' })
  })
})

describe('the background verification after start', () => {
  it('finds an old row edited behind the app that the check at start cannot see, keeps it for the screens and audits it', { timeout: 60_000 }, async () => {
    app = await createTestApp()
    const c = customersIn(app.ctx, 'blocked')[0]!
    await app.loginAs('admin1', 'a')
    await app.ok('settings.update', { unlockRepeatDays: 45 }, 'a') // later entries that do not touch the customer
    const dir = app.dir
    closeCheckpointed(app.ctx.sqlite)
    // 閉塞 moved to サービス利用中 without any history, with a plain connection (no TEMP triggers).
    const db = new Database(`${dir}/ledger.sqlite`)
    db.prepare("UPDATE customers SET otp_status = 'in_use' WHERE id = ?").run(c.id)
    db.close()

    app = await createTestApp({ dir, backgroundVerify: { delayMs: 200, idleMs: 100 } })
    await app.loginAs('super1', 's')
    // The check at start (from the checkpoint) passed: nothing after it touched the customer.
    const atStart = await app.ok('integrity.status', {}, 's')
    expect(atStart).toMatchObject({ ok: true, report: { mode: 'incremental' } })
    const status = await vi.waitFor(
      async () => {
        const st = await app!.ok('integrity.status', {}, 's')
        expect(st.ok).toBe(false)
        return st
      },
      { timeout: 30_000, interval: 200 },
    )
    // Supervisors see it where they see a failed start check (the 監査ログ照会's status).
    expect(status.report).toMatchObject({ mode: 'full', chainBreak: null })
    expect(status.report!.rows).toHaveLength(1)
    expect(status.report!.rows[0]).toMatchObject({ kind: 'changed', table: 'customers', rowKey: String(c.id) })
    expect(status.report!.rows[0]!.message).toContain(`customers の行 ${c.id}`)
    const audited = auditRows(app.ctx).filter((a) => a.action === 'integrity.verify')
    expect(audited).toHaveLength(1)
    expect(audited[0]).toMatchObject({ outcome: 'ok', actor_login_id: 'system' })
    expect(JSON.parse(audited[0]!.detail_json!)).toMatchObject({ trigger: 'background', result: 'failed', rows: 1 })
  })
})
