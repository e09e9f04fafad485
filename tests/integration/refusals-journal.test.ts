// Refusals on the record (issue 13, point 2) and the journal that hides nothing (point 8): a 閉塞解除
// refused at the counter for suspected fraud is kept with the customer, in the audit and in the
// 日次取扱一覧; the journal counts returns, resubmissions, withdrawals and supersessions, flags every
// risky unlock, and lists the day on screen, filtered and paged.
import { execFileSync, spawn } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { openSqlite } from '../../db/open'
import { DEMO_PASSWORD } from '../../db/seed'
import { verifyLedger } from '../../db/verify'
import { auditRows, createTestApp, type TestApp } from '../helpers/app'
import { baseForm, customerRow, customersIn, suspensionForm, unlockForm } from '../helpers/forms'

let app: TestApp
afterEach(() => {
  if (app?.ctx.sqlite.open) app.close()
})

async function setup(): Promise<void> {
  app = await createTestApp()
  await app.loginAs('teller1', 't1')
  await app.loginAs('teller2', 't2')
  await app.loginAs('super1', 's1')
  await app.loginAs('super2', 's2')
}
const DAY = '2026-11-21'

function pdfText(base64: string): string {
  const file = path.join(app.dir, `j-${Date.now()}.pdf`)
  fs.writeFileSync(file, Buffer.from(base64, 'base64'))
  return execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' })
}

describe('閉塞解除のお断り on the record', () => {
  it('the checklist records the refusal with the customer: history, audit, counter_refusals; nothing else changes', async () => {
    await setup()
    const c = customersIn(app.ctx, 'blocked')[0]!
    const detail = await app.ok('refusals.recordUnlockFraud', { customerId: c.id, verification: { othersMayHaveTried: true, blockAccount: '知らない間にロック' } }, 't1')
    expect(detail.history[0]).toMatchObject({ kind: 'unlock_refused', fromStatus: 'blocked', actorName: '佐藤 美咲', requestId: null })
    expect(detail.history[0]!.note).toContain('不正利用の疑いがあるため閉塞解除をお断りしました')
    expect(customerRow(app.ctx, c.id).otp_status).toBe('blocked')
    expect(app.ctx.sqlite.prepare('SELECT count(*) AS n FROM otp_requests').get()).toEqual({ n: 0 })
    expect(app.ctx.sqlite.prepare('SELECT customer_id, business_date, staff_id, kind, reason FROM counter_refusals').all()).toEqual([
      { customer_id: c.id, business_date: DAY, staff_id: 1, kind: 'unlock', reason: 'fraud_suspected' },
    ])
    expect(auditRows(app.ctx).filter((a) => a.action === 'refusals.recordUnlockFraud').map((a) => a.outcome)).toEqual(['refused'])
    // An unknown customer is refused and nothing is written.
    expect((await app.err('refusals.recordUnlockFraud', { customerId: 99999, verification: {} }, 't1')).code).toBe('CUSTOMER_NOT_FOUND')
    expect(app.ctx.sqlite.prepare('SELECT count(*) AS n FROM counter_refusals').get()).toEqual({ n: 1 })
  })
})

describe('日次取扱一覧', () => {
  it('counts returns, resubmissions, withdrawals, supersessions and refusals, and flags risky unlocks, on screen and in the PDF', async () => {
    await setup()
    const [u1, u2, u3] = customersIn(app.ctx, 'blocked')
    const [a, b] = customersIn(app.ctx, 'in_use')
    // Returned, resubmitted and approved: not just 承認.
    const r = await app.ok('requests.receiveCancellation', baseForm(a!), 't1')
    const back = await app.ok('requests.return', { requestId: r.id, version: r.version, reason: '記載漏れ' }, 's1')
    const again = await app.ok('requests.resubmit', { requestId: r.id, version: back.version, form: { kind: 'cancellation', ...baseForm(a!) } }, 't1')
    await app.ok('requests.approve', { requestId: r.id, version: again.version }, 's1')
    // An unlock approved although others may have tried codes.
    const risky = await app.ok('requests.receiveUnlock', unlockForm(u1!, { othersMayHaveTried: true }), 't1')
    await app.ok('requests.decideUnlock', { requestId: risky.id, version: risky.version, decision: 'approve', supervisorLoginId: 'super1', supervisorPassword: DEMO_PASSWORD }, 't1')
    // An unlock superseded by an urgent stop; a withdrawal; a fraud refusal.
    const u = await app.ok('requests.receiveUnlock', unlockForm(u2!), 't2')
    await app.ok('requests.receiveSuspension', suspensionForm(u2!), 't1')
    const w = await app.ok('requests.receiveCancellation', baseForm(b!), 't1')
    await app.ok('requests.withdraw', { requestId: w.id, version: w.version, reason: '重複' }, 's1')
    await app.ok('refusals.recordUnlockFraud', { customerId: u3!.id, verification: { othersMayHaveTried: null } }, 't2')

    const page = await app.ok('journal.list', { businessDate: DAY }, 's1')
    expect(page.total).toBe(5)
    expect(page.counts).toMatchObject({ returns: 1, resubmissions: 1, withdrawals: 1, supersessions: 1, urgentStops: 1, fraudRefusals: 1 })
    expect(page.counts.byState).toMatchObject({ approved: 2, withdrawn: 1, superseded: 1, pending_review: 1 })
    const byNo = new Map(page.items.map((i) => [i.receiptNo, i]))
    expect(byNo.get(r.receiptNo)).toMatchObject({ state: 'approved', returnedCount: 1, resubmittedCount: 1, note: '差戻し1回／再提出1回' })
    expect(byNo.get(risky.receiptNo)!.flags).toEqual(['他の人がコードを入力した可能性あり'])
    expect(byNo.get(u.receiptNo)).toMatchObject({ state: 'superseded', note: expect.stringContaining('失効：緊急停止') })
    expect(page.refusals).toEqual([expect.objectContaining({ customerId: u3!.id, actorName: '鈴木 翔太' })])

    const pdf = pdfText((await app.ok('forms.previewDailyJournal', { businessDate: DAY }, 's1')).pdfBase64)
    expect(pdf).toMatch(/経過/)
    expect(pdf).toContain('他の人がコードを入力した可能性「あり」の閉塞解除（承認）')
    expect(pdf).toContain('不正利用の疑いにより受付拒否')
    expect(pdf).toContain('差戻し1回／再提出1回')
  })

  it('filters by state and kind, pages with a cursor, refuses a future date and tellers', async () => {
    await setup()
    const cs = customersIn(app.ctx, 'in_use').slice(0, 5)
    for (const c of cs) await app.ok('requests.receiveCancellation', baseForm(c), 't1')
    const u = customersIn(app.ctx, 'blocked')[0]!
    await app.ok('requests.receiveUnlock', unlockForm(u), 't1')
    const p1 = await app.ok('journal.list', { businessDate: DAY, kind: 'cancellation', limit: 2 }, 's1')
    expect([p1.total, p1.items.length, p1.items.every((i) => i.kind === 'cancellation')]).toEqual([5, 2, true])
    const p2 = await app.ok('journal.list', { businessDate: DAY, kind: 'cancellation', limit: 2, cursor: p1.nextCursor }, 's1')
    const p3 = await app.ok('journal.list', { businessDate: DAY, kind: 'cancellation', limit: 2, cursor: p2.nextCursor }, 's1')
    expect(p3.nextCursor).toBeNull()
    const seen = [...p1.items, ...p2.items, ...p3.items].map((i) => i.receiptNo)
    expect(new Set(seen).size).toBe(5)
    expect((await app.ok('journal.list', { businessDate: DAY, state: 'pending_review', kind: 'unlock' }, 's1')).total).toBe(1)
    expect((await app.ok('journal.list', { businessDate: DAY, state: 'approved' }, 's1')).items).toEqual([])
    expect((await app.err('journal.list', { businessDate: '2026-11-22' }, 's1')).code).toBe('JOURNAL_DATE_IN_FUTURE')
    expect((await app.err('journal.list', { businessDate: DAY }, 't1')).code).toBe('FORBIDDEN_ROLE')
  })
})

describe('refusal counts survive a killed process', () => {
  it('a burst of refusals, then SIGKILL 1.5 s later: the first refusal and the count of the repeats are in the ledger, which verifies', { timeout: 60_000 }, async () => {
    app = await createTestApp()
    const dir = app.dir
    app.close()
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'fixtures', 'refuse-burst.ts'), dir, '500'], { stdio: ['ignore', 'pipe', 'inherit'] })
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)))
    await new Promise<void>((resolve, reject) => {
      let out = ''
      child.stdout!.on('data', (d: Buffer) => {
        out += d.toString()
        if (out.includes('burst done')) resolve()
      })
      child.on('exit', () => reject(new Error(`the child ended before its burst: ${out}`)))
    })
    await new Promise((r) => setTimeout(r, 1_500))
    child.kill('SIGKILL')
    expect(await exited).toBe('SIGKILL')

    const db = openSqlite(path.join(dir, 'ledger.sqlite'), { readonly: true })
    try {
      const rows = db.prepare("SELECT detail_json FROM audit_log WHERE action = 'requests.withdraw' AND outcome = 'refused' ORDER BY id").all() as { detail_json: string }[]
      const details = rows.map((r) => JSON.parse(r.detail_json) as { repeats?: number })
      expect(details[0]).toEqual({ reason: 'VALIDATION_FAILED', fields: ['requestId'] })
      // Every one of the 500 is on the record: the first at once, the other 499 counted.
      expect(details.slice(1).reduce((n, d) => n + (d.repeats ?? 0), 0)).toBe(499)
      expect(details.length).toBeLessThanOrEqual(3) // coalesced all the same
      const report = verifyLedger(db, { mode: 'full' })
      expect(report.ok).toBe(true)
    } finally {
      db.close()
    }
  })
})
