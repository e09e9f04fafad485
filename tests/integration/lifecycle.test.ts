// Every paper request from every status, every recorded event, and the 差戻し / 再提出 / 取消
// round trips. The expected transitions are written out here by hand (DOMAIN.md's tables), not
// read from the code's table.
import { afterEach, describe, expect, it } from 'vitest'
import type { OperationName } from '../../shared/operations'
import { OTP_STATUSES, type OtpStatus } from '../../shared/status'
import { baseForm, newApplicationForm, suspensionForm, type CustomerRow } from '../helpers/forms'
import { ENGINES, createEngineApp, type EngineApp } from '../helpers/engines'

describe.each(ENGINES)('on the %s ledger', (engine) => {
  let app: EngineApp
  afterEach(async () => {
    // Every round trip above leaves a journal that verifies against the tables.
    if (app?.ctx.ledger.isOpen()) await app.expectVerifies()
    await app?.close()
  })

  const STATUS_JA: Record<OtpStatus, string> = {
    unregistered: '未登録',
    awaiting_issue: '発行待ち',
    token_issued: 'トークン発行済',
    in_use: 'サービス利用中',
    blocked: '閉塞',
    suspended: '利用停止',
    issuance_restricted: '発行規制',
    cancelled: '解除済',
  }

  type Kind = 'new_application' | 'suspension' | 'resumption' | 'cancellation' | 'restriction_release'
  const REQUESTS: Record<Kind, { op: OperationName; ja: string; from: OtpStatus[]; to: OtpStatus; form: (c: CustomerRow) => unknown }> = {
    new_application: { op: 'requests.receiveNewApplication', ja: '新規申込', from: ['unregistered', 'cancelled'], to: 'awaiting_issue', form: (c) => newApplicationForm(c) },
    suspension: { op: 'requests.receiveSuspension', ja: '利用停止', from: ['awaiting_issue', 'token_issued', 'in_use', 'blocked'], to: 'suspended', form: (c: CustomerRow) => ({ ...suspensionForm(c), reason: 'broken' as const }) }, // 故障: not urgent, applied at approval (urgent stops: urgent-stop.test.ts)
    resumption: { op: 'requests.receiveResumption', ja: '利用再開／トークン再発行', from: ['suspended'], to: 'awaiting_issue', form: (c) => baseForm(c) },
    cancellation: {
      op: 'requests.receiveCancellation',
      ja: 'ご利用解除',
      from: ['awaiting_issue', 'token_issued', 'in_use', 'blocked', 'suspended', 'issuance_restricted'],
      to: 'cancelled',
      form: (c) => baseForm(c),
    },
    restriction_release: { op: 'requests.receiveRestrictionRelease', ja: '発行規制解除', from: ['issuance_restricted'], to: 'awaiting_issue', form: (c) => baseForm(c) },
  }

  /** A demo customer in this status (for 解除済, one cancelled before today, so the next-day rule is not in play). */
  async function pick(status: OtpStatus): Promise<CustomerRow> {
    const rows = (await app.customersIn(status))
    return status === 'cancelled' ? rows[1]! : rows[0]!
  }

  const customersOtherThan = async (id: number) => JSON.stringify((await app.rows('SELECT * FROM customers WHERE id <> ? ORDER BY id', id)))

  describe('every paper request from every status', () => {
    for (const [kind, exp] of Object.entries(REQUESTS) as [Kind, (typeof REQUESTS)[Kind]][]) {
      it(`${exp.ja}: accepted from ${exp.from.join(', ')} (→ ${exp.to} at approval), refused from the others`, async () => {
        app = await createEngineApp(engine)
        await app.loginAs('teller1', 'teller')
        await app.loginAs('super1', 'super')
        for (const status of OTP_STATUSES) {
          const c = await pick(status)
          if (exp.from.includes(status)) {
            const others = await customersOtherThan(c.id)
            const req = (await app.ok(exp.op as 'requests.receiveCancellation', exp.form(c) as never, 'teller'))
            expect(req, `${kind} from ${status}`).toMatchObject({ kind, state: 'pending_review', statusAtReceipt: status, resultStatus: exp.to })
            expect((await app.customerRow(c.id)).otp_status, 'unchanged until approval').toBe(status)
            await app.ok('requests.approve', { requestId: req.id, version: req.version }, 'super')
            const after = (await app.customerRow(c.id))
            expect(after.otp_status, `${kind} from ${status}`).toBe(exp.to)
            expect(after.version).toBe(c.version + 1)
            if (kind === 'cancellation') expect(after.cancelled_on).toBe('2026-11-21')
            if (exp.to === 'awaiting_issue') expect(after.wrong_entry_count).toBe(0)
            expect(await customersOtherThan(c.id), 'no other customer changes').toBe(others)
            const h = (await app.ok('customers.get', { customerId: c.id }, 'teller')).history
            expect(h[0]).toMatchObject({ kind: 'request_approved', fromStatus: status, toStatus: exp.to, requestKind: kind })
          } else {
            const before = await app.snapshot()
            const e = await app.err(exp.op, exp.form(c), 'teller')
            expect(e.code, `${kind} from ${status}`).toBe('REQUEST_NOT_ALLOWED')
            expect(e.message).toBe(`登録状況が「${STATUS_JA[status]}」のため、「${exp.ja}」は受け付けられません。`)
            expect(await app.snapshot()).toBe(before)
          }
        }
      })
    }

    it('利用停止 needs a reason, and その他 needs its text', async () => {
      app = await createEngineApp(engine)
      await app.loginAs('teller1')
      const c = await pick('in_use')
      const { reason: _r, ...noReason } = suspensionForm(c)
      expect((await app.err('requests.receiveSuspension', noReason)).fields).toEqual({ reason: '利用停止の理由を選択してください' })
      expect((await app.err('requests.receiveSuspension', { ...suspensionForm(c), reason: 'other' })).fields).toEqual({
        reasonText: '「その他」の場合は理由を入力してください',
      })
      const ok = await app.ok('requests.receiveSuspension', { ...suspensionForm(c), reason: 'other', reasonText: '海外渡航のため一時停止' })
      expect(ok.form).toMatchObject({ kind: 'suspension', reason: 'other', reasonText: '海外渡航のため一時停止' })
    })
  })

  describe('差戻し, 再提出 and 取消', () => {
    it('a returned request goes back to its teller with the reason, is corrected, resubmitted and approved', async () => {
      app = await createEngineApp(engine)
      await app.loginAs('teller1', 'teller')
      await app.loginAs('super1', 'super')
      const c = await pick('in_use')
      const req = await app.ok('requests.receiveCancellation', baseForm(c), 'teller')
      const returned = await app.ok('requests.return', { requestId: req.id, version: req.version, reason: '届出印の印影が不鮮明です' }, 'super')
      expect(returned).toMatchObject({ state: 'returned', returnReason: '届出印の印影が不鮮明です' })
      expect((await app.customerRow(c.id)).otp_status).toBe('in_use')
      expect(await app.ok('requests.pendingReview', {}, 'super')).toEqual({ items: [], total: 0, nextCursor: null })
      const mine = await app.ok('requests.returnedToMe', {}, 'teller')
      expect(mine.total).toBe(1)
      expect(mine.items.map((r) => [r.id, r.returnReason])).toEqual([[req.id, '届出印の印影が不鮮明です']])

      // Nobody else resubmits without taking it over first (branch-work.test.ts), and not the stale version.
      await app.loginAs('teller2', 'other')
      expect((await app.err('requests.resubmit', { requestId: req.id, version: returned.version, form: { kind: 'cancellation', ...baseForm(c) } }, 'other')).code).toBe('NOT_RECEIVER')
      // The branch's returned requests are listed for every teller, with who received them.
      expect((await app.ok('requests.returnedToMe', {}, 'other')).items.map((r) => [r.id, r.receivedByName])).toEqual([[req.id, '佐藤 美咲']])
      expect((await app.err('requests.resubmit', { requestId: req.id, version: req.version, form: { kind: 'cancellation', ...baseForm(c) } }, 'teller')).code).toBe('STALE_VERSION')
      // Nor as another kind.
      const wrongKind = await app.err('requests.resubmit', { requestId: req.id, version: returned.version, form: { kind: 'resumption', ...baseForm(c) } }, 'teller')
      expect(wrongKind).toMatchObject({ code: 'RESUBMIT_MISMATCH', message: '差し戻された依頼と種別またはお客さまが異なります。' })

      const corrected = { kind: 'cancellation' as const, ...baseForm(c), identity: { documentType: 'my_number_card' as const } }
      const again = await app.ok('requests.resubmit', { requestId: req.id, version: returned.version, form: corrected }, 'teller')
      expect(again).toMatchObject({ state: 'pending_review', returnReason: null, identity: { documentType: 'my_number_card' } })
      await app.ok('requests.approve', { requestId: req.id, version: again.version }, 'super')
      expect((await app.customerRow(c.id)).otp_status).toBe('cancelled')
      const kinds = (await app.ok('customers.get', { customerId: c.id }, 'teller')).history.map((h) => h.kind)
      expect(kinds.slice(0, 4)).toEqual(['request_approved', 'request_resubmitted', 'request_returned', 'request_received'])
    })

    it('the receiving teller withdraws a request; the customer can then bring another', async () => {
      app = await createEngineApp(engine)
      await app.loginAs('teller1', 'teller')
      await app.loginAs('teller2', 'other')
      const c = await pick('suspended')
      const req = await app.ok('requests.receiveResumption', baseForm(c), 'teller')
      expect((await app.err('requests.withdraw', { requestId: req.id, version: req.version, reason: '誤登録' }, 'other')).code).toBe('NOT_RECEIVER')
      const w = await app.ok('requests.withdraw', { requestId: req.id, version: req.version, reason: 'お客さまが申出を取り下げ' }, 'teller')
      expect(w).toMatchObject({ state: 'withdrawn', withdrawReason: 'お客さまが申出を取り下げ' })
      expect((await app.customerRow(c.id)).otp_status).toBe('suspended')
      // Withdrawn is final.
      expect((await app.err('requests.withdraw', { requestId: req.id, version: w.version, reason: 'x' }, 'teller')).code).toBe('REQUEST_NOT_PENDING')
      await app.ok('requests.receiveResumption', baseForm(c), 'teller')
    })

    it('a supervisor does not return what they received; approving a returned request is refused', async () => {
      app = await createEngineApp(engine)
      await app.loginAs('super1', 's1')
      await app.loginAs('super2', 's2')
      const c = await pick('issuance_restricted')
      const req = await app.ok('requests.receiveRestrictionRelease', baseForm(c), 's1')
      expect((await app.err('requests.return', { requestId: req.id, version: 1, reason: '確認' }, 's1')).code).toBe('SELF_APPROVAL')
      const r = await app.ok('requests.return', { requestId: req.id, version: 1, reason: '本人確認書類の記載漏れ' }, 's2')
      expect((await app.err('requests.approve', { requestId: req.id, version: r.version }, 's2')).code).toBe('REQUEST_NOT_PENDING')
      const refused = (await app.auditRows()).filter((a) => a.outcome === 'refused').map((a) => [a.action, JSON.parse(a.detail_json!).reason])
      expect(refused).toEqual([
        ['requests.return', 'SELF_APPROVAL'],
        ['requests.approve', 'REQUEST_NOT_PENDING'],
      ])
    })

    it('approve and return of the same request at once: one applies, the other is refused', async () => {
      app = await createEngineApp(engine)
      await app.loginAs('teller1', 'teller')
      await app.loginAs('super1', 's1')
      await app.loginAs('super2', 's2')
      const req = await app.ok('requests.receiveSuspension', suspensionForm(await pick('in_use')), 'teller')
      const results = await Promise.all([
        app.raw('requests.approve', { requestId: req.id, version: req.version }, 's1'),
        app.raw('requests.return', { requestId: req.id, version: req.version, reason: '理由欄の記載漏れ' }, 's2'),
      ])
      expect(results.filter((r) => r.ok)).toHaveLength(1)
      const states = (await app.rows('SELECT state FROM otp_requests WHERE id = ?', req.id))[0] as { state: string }
      expect(['approved', 'returned']).toContain(states.state)
    })
  })

  describe('events from the centre or the customer', () => {
    const EVENTS = {
      token_issued: { from: ['awaiting_issue'], to: 'token_issued', ja: 'トークン発行' },
      use_started: { from: ['token_issued'], to: 'in_use', ja: '利用開始' },
      blocked: { from: ['in_use'], to: 'blocked', ja: '閉塞（10回連続誤入力）' },
      issuance_restricted: { from: ['awaiting_issue', 'token_issued'], to: 'issuance_restricted', ja: '発行規制（発行回数超過）' },
    } as const

    for (const [kind, exp] of Object.entries(EVENTS)) {
      it(`${exp.ja}: recorded from ${exp.from.join(', ')} with source and date, refused from the others`, async () => {
        app = await createEngineApp(engine)
        await app.loginAs('teller1')
        for (const status of OTP_STATUSES) {
          const c = await pick(status)
          const input = { customerId: c.id, customerVersion: c.version, kind: kind as keyof typeof EVENTS, occurredOn: '2026-11-20', source: 'centre' as const }
          if ((exp.from as readonly string[]).includes(status)) {
            const d = await app.ok('events.record', input)
            expect(d.otpStatus).toBe(exp.to)
            expect(d.history[0]).toMatchObject({ kind: 'event', eventKind: kind, eventSource: 'centre', occurredOn: '2026-11-20', fromStatus: status, toStatus: exp.to })
            if (kind === 'blocked') expect(d.wrongEntryCount).toBe(10)
          } else {
            const before = await app.snapshot()
            const e = await app.err('events.record', input)
            expect(e.message, `${kind} from ${status}`).toBe(`登録状況が「${STATUS_JA[status]}」のため、「${exp.ja}」は記録できません。`)
            expect(await app.snapshot()).toBe(before)
          }
        }
      })
    }

    it('refuses an event recorded on a stale screen, or dated in the future', async () => {
      app = await createEngineApp(engine)
      await app.loginAs('teller1')
      const c = await pick('token_issued')
      const base = { customerId: c.id, kind: 'use_started' as const, occurredOn: '2026-11-21', source: 'customer' as const }
      expect((await app.err('events.record', { ...base, customerVersion: c.version + 1 })).code).toBe('STALE_VERSION')
      expect((await app.err('events.record', { ...base, customerVersion: c.version, occurredOn: '2026-11-22' })).fields).toEqual({
        occurredOn: '発生日に未来の日付は入力できません',
      })
      await app.ok('events.record', { ...base, customerVersion: c.version })
      // The same screen (old version) cannot record it twice.
      expect((await app.err('events.record', { ...base, customerVersion: c.version })).code).toBe('STALE_VERSION')
    })
  })
})
