// The counter's work on the shared PostgreSQL ledger (issue 12), through the same dispatcher and
// services as on SQLite: a terminal connected as the application role receives, returns,
// resubmits and approves; four-eyes, 役席認証, the idempotent submission key, branch scope and the
// head office's read-only role hold; another terminal sees the reception in its 検印 queue and gets
// the change event within a second; the server's journal chain verifies afterwards.
import { createHash, randomUUID } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { LedgerChangedEvent } from '../../shared/operations'
import { DEMO_PASSWORD } from '../../db/seed'
import { flushRefusals } from '../../electron/main/refusals'
import { baseForm, unlockForm, type CustomerRow } from '../helpers/forms'
import { createServerTestApp, type ServerTestApp } from '../helpers/serverApp'

let app: ServerTestApp | null = null
afterEach(async () => {
  await app?.close()
  app = null
})

async function customerIn(a: ServerTestApp, status: string, skip = 0): Promise<CustomerRow> {
  const [row] = await a.query<CustomerRow & { id: string }>(
    `SELECT * FROM customers WHERE otp_status = $1 AND id NOT IN (SELECT customer_id FROM otp_requests) ORDER BY id OFFSET $2 LIMIT 1`,
    [status, skip],
  )
  return { ...row!, id: Number(row!.id) }
}

describe('a terminal on the PostgreSQL ledger', () => {
  it('receives, returns, takes the resubmission and approves; the customer changes at approval only', async () => {
    app = await createServerTestApp()
    await app.loginAs('teller1', 't')
    await app.loginAs('super1', 's')
    const c = await customerIn(app, 'in_use')
    const req = await app.ok('requests.receiveCancellation', baseForm(c), 't')
    expect(req.receiptNo).toMatch(/^001-20261121-0001$/)
    const second = await app.ok('requests.receiveCancellation', baseForm(await customerIn(app, 'in_use', 1)), 't')
    expect(second.receiptNo).toBe('001-20261121-0002')

    // One open request per customer.
    expect((await app.err('requests.receiveCancellation', baseForm(c), 't')).code).toBe('REQUEST_ALREADY_PENDING')

    const queue = await app.ok('requests.pendingReview', {}, 's')
    expect(queue.items.map((r) => r.id)).toEqual([req.id, second.id])
    const returned = await app.ok('requests.return', { requestId: req.id, version: req.version, reason: '記載漏れ' }, 's')
    expect((await app.ok('requests.returnedToMe', {}, 't')).items.map((r) => r.id)).toEqual([req.id])
    // A stale version is refused, the current one taken.
    expect((await app.err('requests.resubmit', { requestId: req.id, version: req.version, form: { kind: 'cancellation', ...baseForm(c) } }, 't')).code).toBe('STALE_VERSION')
    const again = await app.ok('requests.resubmit', { requestId: req.id, version: returned.version, form: { kind: 'cancellation', ...baseForm(c) } }, 't')
    expect((await app.ok('customers.get', { customerId: c.id }, 't')).otpStatus).toBe('in_use')
    await app.ok('requests.approve', { requestId: req.id, version: again.version }, 's')
    expect((await app.ok('customers.get', { customerId: c.id }, 't')).otpStatus).toBe('cancelled')
    await app.expectChainVerifies()
  })

  it('four-eyes, 役席認証 and the head office hold on the server, refused in Japanese', async () => {
    app = await createServerTestApp()
    await app.loginAs('super1', 's')
    await app.loginAs('teller1', 't')
    await app.loginAs('honbu1', 'h')
    const own = await app.ok('requests.receiveCancellation', baseForm(await customerIn(app, 'in_use')), 's')
    const self = await app.err('requests.approve', { requestId: own.id, version: own.version }, 's')
    expect(self.code).toBe('SELF_APPROVAL')

    const unlock = await app.ok('requests.receiveUnlock', unlockForm(await customerIn(app, 'blocked')), 't')
    const wrong = await app.err(
      'requests.decideUnlock',
      { requestId: unlock.id, version: unlock.version, supervisorLoginId: 'super1', supervisorPassword: 'not-it-1', decision: 'approve' },
      't',
    )
    expect(wrong.message).toMatch(/パスワード|役席/)
    const done = await app.ok(
      'requests.decideUnlock',
      { requestId: unlock.id, version: unlock.version, supervisorLoginId: 'super1', supervisorPassword: DEMO_PASSWORD, decision: 'approve' },
      't',
    )
    expect(done.state).toBe('approved')

    const ho = await app.err('requests.receiveCancellation', baseForm(await customerIn(app, 'in_use', 1)), 'h')
    expect(ho).toMatchObject({ code: 'HEAD_OFFICE_READ_ONLY', message: '本部の職員は照会のみ行えます。台帳を変更する操作はできません。' })
    // The head office reads any branch's queue.
    expect((await app.ok('requests.pendingReview', { branchCode: '001' }, 'h')).items.map((r) => r.id)).toEqual([own.id])
    await app.expectChainVerifies()
  })

  it('a retried submission returns the first request; the same key with other content is refused', async () => {
    app = await createServerTestApp()
    await app.loginAs('teller1', 't')
    const c = await customerIn(app, 'in_use')
    const submissionKey = randomUUID()
    const [a, b] = await Promise.all([
      app.ok('requests.receiveCancellation', { ...baseForm(c), submissionKey }, 't'),
      app.ok('requests.receiveCancellation', { ...baseForm(c), submissionKey }, 't'),
    ])
    expect(b.id).toBe(a.id)
    expect(b.receiptNo).toBe(a.receiptNo)
    const other = await customerIn(app, 'in_use', 1)
    expect((await app.err('requests.receiveCancellation', { ...baseForm(other), submissionKey }, 't')).code).toBe('SUBMISSION_KEY_REUSED')
    expect(await app.query('SELECT count(*)::int AS n FROM otp_requests')).toEqual([{ n: 1 }])
  })

  it('a printed form is kept in the server ledger with its hash, reachable from every terminal', async () => {
    app = await createServerTestApp()
    await app.loginAs('teller1', 't')
    const req = await app.ok('requests.receiveCancellation', baseForm(await customerIn(app, 'in_use')), 't')
    const printed = await app.ok('forms.print', { form: 'customer_receipt', requestId: req.id }, 't')
    const [file] = await app.query<{ sha256: string; pdf: Buffer; path: string }>(
      'SELECT f.sha256, f.pdf, p.file_path AS path FROM printed_form_files f JOIN printed_forms p ON p.id = f.printed_form_id',
    )
    expect(file!.sha256).toBe(printed.sha256)
    expect(createHash('sha256').update(file!.pdf).digest('hex')).toBe(printed.sha256)
    expect(file!.pdf.subarray(0, 5).toString()).toBe('%PDF-')
    expect(fs.existsSync(path.join(app.dir, file!.path))).toBe(false) // not in the terminal's folder
    const again = await app.ok('forms.print', { form: 'customer_receipt', requestId: req.id }, 't')
    expect(again.reprint).toBe(true)
    expect(await app.query('SELECT count(*)::int AS n FROM printed_form_files')).toEqual([{ n: 2 }])
    await app.expectChainVerifies()
  })

  it('refusals arriving at once are one row and a count, not a row each (the window opens before the first row is written)', async () => {
    app = await createServerTestApp()
    await app.loginAs('teller1', 't')
    const bad = { customerId: 'x' }
    const answers = await Promise.all(Array.from({ length: 20 }, () => app!.err('requests.receiveCancellation', bad, 't')))
    expect(new Set(answers.map((e) => e.code))).toEqual(new Set(['VALIDATION_FAILED']))
    await flushRefusals(app.ctx)
    const rows = await app.query<{ detail: { repeats?: number } }>(
      "SELECT detail_json::jsonb AS detail FROM audit_log WHERE action = 'requests.receiveCancellation' AND outcome = 'refused' ORDER BY id",
    )
    expect(rows.map((r) => r.detail.repeats ?? 0)).toEqual([0, 19])
    await app.expectChainVerifies()
  })

  it("a reception on one terminal appears in another terminal's queue, announced within a second", async () => {
    app = await createServerTestApp()
    const desk = await app.terminal()
    const seen: { e: LedgerChangedEvent; at: number }[] = []
    desk.events.on('changed', (e) => seen.push({ e, at: performance.now() }))
    await desk.loginAs('super1', 's')
    await app.loginAs('teller1', 't')
    await new Promise((r) => setTimeout(r, 300)) // the desk's change feed is listening
    seen.length = 0
    const c = await customerIn(app, 'in_use')
    const t0 = performance.now()
    const req = await app.ok('requests.receiveCancellation', baseForm(c), 't')
    for (let i = 0; i < 50 && !seen.some((s) => s.e.kind === 'request_received'); i++) await new Promise((r) => setTimeout(r, 20))
    const hit = seen.find((s) => s.e.kind === 'request_received')
    expect(hit?.e).toMatchObject({ kind: 'request_received', customerId: c.id, requestId: req.id })
    expect(hit!.at - t0).toBeLessThan(1000)
    expect((await desk.ok('requests.pendingReview', {}, 's')).items.map((r) => r.id)).toEqual([req.id])
    // The desk approves; the counter's terminal hears it.
    const heard: LedgerChangedEvent[] = []
    app.ctx.events.on('changed', (e) => heard.push(e))
    await desk.ok('requests.approve', { requestId: req.id, version: req.version }, 's')
    for (let i = 0; i < 50 && !heard.some((e) => e.kind === 'request_approved'); i++) await new Promise((r) => setTimeout(r, 20))
    expect(heard).toContainEqual(expect.objectContaining({ kind: 'request_approved', requestId: req.id }))
    // A terminal does not announce its own writes twice: its services did, the change feed does not.
    expect(seen.filter((s) => s.e.kind === 'request_approved')).toHaveLength(1)
  })
})
