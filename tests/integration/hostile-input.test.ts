// Issue 16, cases 4 and 5 through the dispatcher on a real ledger: text is stored and read back
// exactly as accepted, refused text changes nothing, an oversized payload is refused before any
// validation, and the 10,000th reception of a day gets a 受付番号 like the others.
import { afterEach, describe, expect, it } from 'vitest'
import { dispatch, MAX_PAYLOAD_UNITS, payloadTooLarge } from '../../electron/main/dispatcher'
import { createTestApp, snapshotLedger, type TestApp } from '../helpers/app'
import { baseForm, customersIn, suspensionForm } from '../helpers/forms'

let app: TestApp
afterEach(() => app?.close())

describe('free text through the dispatcher', () => {
  it('stores what it accepts and gives it back byte for byte (pairs, rare kanji, variation selectors)', async () => {
    app = await createTestApp()
    await app.loginAs('teller1')
    const c = customersIn(app.ctx, 'in_use')[0]!
    const reasonText = '理由😀です 𠮷野家の葛󠄀城で紛失'
    const remarks = '髙橋さま来店 🏦 ①の件'.normalize('NFKC')
    const req = await app.ok('requests.receiveSuspension', { ...suspensionForm(c), reason: 'other', reasonText, remarks })
    const back = await app.ok('requests.get', { requestId: req.id })
    const form = back.form as { reasonText?: string; remarks?: string }
    expect(Buffer.from(form.reasonText!)).toEqual(Buffer.from(reasonText))
    expect(form.remarks).toBe(remarks)
    const stored = app.ctx.sqlite.prepare('SELECT form_json FROM otp_requests WHERE id = ?').get(req.id) as { form_json: string }
    expect(JSON.parse(stored.form_json).reasonText).toBe(reasonText)
  })

  it('refuses a lone surrogate, NUL, ESC and an RTL override, and changes nothing', async () => {
    app = await createTestApp()
    await app.loginAs('teller1')
    const c = customersIn(app.ctx, 'in_use')[0]!
    const before = snapshotLedger(app.ctx)
    for (const bad of ['理由\uD800です', '理由\u0000です', '理由\u001B[2Jです', '理由\u202Eです']) {
      const e = await app.err('requests.receiveSuspension', { ...suspensionForm(c), reason: 'other', reasonText: bad })
      expect(e.code).toBe('VALIDATION_FAILED')
      expect(e.fields?.reasonText).toMatch(/理由に/)
    }
    expect(snapshotLedger(app.ctx)).toBe(before)
  })

  it('refuses an oversized payload before validating it, and never echoes it', async () => {
    app = await createTestApp()
    await app.loginAs('teller1')
    const c = customersIn(app.ctx, 'in_use')[0]!
    const huge = 'あ'.repeat(10 * 1024 * 1024)
    const r = await dispatch(app.ctx, 'requests.receiveSuspension', { ...suspensionForm(c), reason: 'other', reasonText: huge }, 'default')
    expect(r).toEqual({ ok: false, error: { code: 'PAYLOAD_TOO_LARGE', message: expect.stringMatching(/大きすぎる/) } })
    const keyed = await dispatch(app.ctx, 'auth.login', { loginId: 'a', password: 'b', ['k'.repeat(1024 * 1024)]: 1 }, 'x')
    expect(JSON.stringify(keyed).length).toBeLessThan(300)
    expect(payloadTooLarge(new Array(MAX_PAYLOAD_UNITS).fill(0))).toBe(true)
    expect(payloadTooLarge(suspensionForm(c))).toBe(false)
  })
})

describe('受付番号 past 9,999', () => {
  it('gives the 10,000th reception of a day 店番-日付-10000, and refuses past the limit with a message', async () => {
    app = await createTestApp()
    await app.loginAs('teller1')
    const [a, b, d] = customersIn(app.ctx, 'in_use')
    // 9,999 receptions already given out today (counted, as the service counts them).
    app.ctx.sqlite.prepare("INSERT INTO receipt_counters(branch_code, business_date, last_seq) VALUES ('001', '2026-11-21', 9999)").run()
    const tenThousandth = await app.ok('requests.receiveCancellation', baseForm(a!))
    expect(tenThousandth.receiptNo).toBe('001-20261121-10000')
    const next = await app.ok('requests.receiveCancellation', baseForm(b!))
    expect(next.receiptNo).toBe('001-20261121-10001')

    app.ctx.sqlite.prepare("UPDATE receipt_counters SET last_seq = 999999 WHERE business_date = '2026-11-21'").run()
    const before = snapshotLedger(app.ctx)
    const e = await app.err('requests.receiveCancellation', baseForm(d!))
    expect(e.code).toBe('RECEIPT_SEQUENCE_EXHAUSTED')
    expect(e.message).toContain('999,999件')
    expect(snapshotLedger(app.ctx)).toBe(before)
  })
})
