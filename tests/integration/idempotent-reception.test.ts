// Idempotent reception (issue 12): a reception carries the key its form made when it opened; a
// repeat of the key — a click repeated after a lost reply, a double click, a retry after the app
// reopened — answers the first request (same id, same 受付番号) and writes nothing; the same key
// with other content is refused in Japanese and changes nothing.
import { randomUUID } from 'node:crypto'
import { afterEach, describe, expect, it } from 'vitest'
import { createTestApp, expectLedgerVerifies, snapshotLedger, type TestApp } from '../helpers/app'
import { baseForm, customerRow, customersIn, newApplicationForm, suspensionForm, unlockForm } from '../helpers/forms'

let app: TestApp
afterEach(() => app?.close())

async function setup(dir?: string): Promise<void> {
  app = await createTestApp(dir ? { dir } : {})
  await app.loginAs('teller1', 't1')
  await app.loginAs('teller2', 't2')
  await app.loginAs('super1', 's1')
}

const requestsOf = (customerId: number) => app.ctx.sqlite.prepare('SELECT count(*) FROM otp_requests WHERE customer_id = ?').pluck().get(customerId)
const submissions = () => app.ctx.sqlite.prepare('SELECT key, request_id FROM request_submissions ORDER BY key').all()
const state = () => snapshotLedger(app.ctx) + JSON.stringify(submissions())

describe('受付キー', () => {
  it('a repeat of every kind of reception answers the first request and writes nothing', async () => {
    await setup()
    const cases = [
      ['requests.receiveNewApplication', newApplicationForm(customersIn(app.ctx, 'unregistered')[0]!)],
      ['requests.receiveSuspension', { ...suspensionForm(customersIn(app.ctx, 'in_use')[0]!), reason: 'broken' }],
      // 緊急停止: the status changed at the first submit; the repeat is not refused for it.
      ['requests.receiveSuspension', suspensionForm(customersIn(app.ctx, 'in_use')[1]!)],
      ['requests.receiveResumption', baseForm(customersIn(app.ctx, 'suspended')[0]!)],
      ['requests.receiveCancellation', baseForm(customersIn(app.ctx, 'in_use')[2]!)],
      ['requests.receiveRestrictionRelease', baseForm(customersIn(app.ctx, 'issuance_restricted')[0]!)],
      ['requests.receiveUnlock', unlockForm(customersIn(app.ctx, 'blocked')[0]!)],
    ] as const
    for (const [op, form] of cases) {
      const submissionKey = randomUUID()
      const first = await app.ok(op, { ...form, submissionKey } as never, 't1')
      const before = state()
      const again = await app.ok(op, { ...form, submissionKey } as never, 't1')
      expect([again.id, again.receiptNo], op).toEqual([first.id, first.receiptNo])
      expect(state(), op).toBe(before)
      expect(requestsOf(form.customerId), op).toBe(1)
      // The key is not part of the paper form kept with the request.
      expect(JSON.stringify(again.form), op).not.toContain(submissionKey)
    }
    expect(customerRow(app.ctx, cases[2][1].customerId).otp_status).toBe('suspended')
    expect(submissions()).toHaveLength(cases.length)
    expectLedgerVerifies(app.ctx)
  })

  it('a double submit (two calls at once) receives one request; both get it', async () => {
    await setup()
    const c = customersIn(app.ctx, 'in_use')[0]!
    const payload = { ...baseForm(c), submissionKey: randomUUID() }
    const [a, b] = await Promise.all([app.ok('requests.receiveCancellation', payload, 't1'), app.ok('requests.receiveCancellation', payload, 't1')])
    expect(b.id).toBe(a.id)
    expect(b.receiptNo).toBe(a.receiptNo)
    expect(requestsOf(c.id)).toBe(1)
    // The 受付番号 sequence has no gap: the next reception is number 2.
    const next = await app.ok('requests.receiveCancellation', { ...baseForm(customersIn(app.ctx, 'in_use')[1]!), submissionKey: randomUUID() }, 't1')
    expect(next.receiptNo).toBe('001-20261121-0002')
  })

  it('the first result is answered even after the request moved on (approved)', async () => {
    await setup()
    const c = customersIn(app.ctx, 'in_use')[0]!
    const payload = { ...baseForm(c), submissionKey: randomUUID() }
    const first = await app.ok('requests.receiveCancellation', payload, 't1')
    await app.ok('requests.approve', { requestId: first.id, version: first.version }, 's1')
    const again = await app.ok('requests.receiveCancellation', payload, 't1')
    expect([again.id, again.receiptNo, again.state]).toEqual([first.id, first.receiptNo, 'approved'])
  })

  it('the same key with other content, or from someone else, is refused in Japanese and changes nothing', async () => {
    await setup()
    const [c, d] = customersIn(app.ctx, 'in_use')
    const submissionKey = randomUUID()
    await app.ok('requests.receiveCancellation', { ...baseForm(c!), submissionKey }, 't1')
    const before = state()
    const reused = { code: 'SUBMISSION_KEY_REUSED', message: 'この受付は別の内容ですでに登録されています。画面を開き直してから受け付けてください。' }
    expect(await app.err('requests.receiveCancellation', { ...baseForm(c!), remarks: '追記', submissionKey }, 't1')).toMatchObject(reused)
    expect(await app.err('requests.receiveCancellation', { ...baseForm(d!), submissionKey }, 't1')).toMatchObject(reused)
    expect(await app.err('requests.receiveSuspension', { ...suspensionForm(c!), submissionKey }, 't1')).toMatchObject(reused)
    expect(await app.err('requests.receiveCancellation', { ...baseForm(c!), submissionKey }, 't2')).toMatchObject(reused)
    expect(state()).toBe(before)
    expect((await app.err('requests.receiveCancellation', { ...baseForm(d!), submissionKey: 'not-a-uuid' }, 't1')).fields).toHaveProperty('submissionKey')
  })

  it('a retry after the app reopened (a restart, a reconnect) answers the first request', async () => {
    await setup()
    const c = customersIn(app.ctx, 'in_use')[0]!
    const payload = { ...baseForm(c), submissionKey: randomUUID() }
    const first = await app.ok('requests.receiveCancellation', payload, 't1')
    const dir = app.dir
    app.close()
    await setup(dir)
    const again = await app.ok('requests.receiveCancellation', payload, 't1')
    expect([again.id, again.receiptNo]).toEqual([first.id, first.receiptNo])
    expect(requestsOf(c.id)).toBe(1)
    expectLedgerVerifies(app.ctx)
  })
})
