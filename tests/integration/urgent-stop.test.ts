// 緊急停止 (issue 13, point 1): a 利用停止 for 紛失・盗難 or 不正利用の疑い takes effect when the teller
// records it; the supervisor's 検印 follows. Another open request never holds it back: that one is
// closed as superseded, on the record, and its teller sees why in their list.
import { afterEach, describe, expect, it } from 'vitest'
import { baseForm, suspensionForm, unlockForm } from '../helpers/forms'
import { ENGINES, createEngineApp, type EngineApp } from '../helpers/engines'

describe.each(ENGINES)('on the %s ledger', (engine) => {
  let app: EngineApp
  afterEach(async () => app?.close())

  async function setup(): Promise<void> {
    app = await createEngineApp(engine)
    await app.loginAs('teller1', 't1')
    await app.loginAs('teller2', 't2')
    await app.loginAs('super1', 's1')
    await app.loginAs('super2', 's2')
  }

  describe('緊急停止', () => {
    it('紛失・盗難 and 不正利用の疑い stop the token at reception, with history; 故障 waits for approval', async () => {
      await setup()
      const [a, b, c] = (await app.customersIn('in_use'))
      const lost = await app.ok('requests.receiveSuspension', suspensionForm(a!), 't1')
      expect(lost).toMatchObject({ state: 'pending_review', urgent: true })
      expect((await app.customerRow(a!.id)).otp_status).toBe('suspended')
      const h = (await app.ok('customers.get', { customerId: a!.id }, 't1')).history[0]!
      expect(h).toMatchObject({ kind: 'request_received', fromStatus: 'in_use', toStatus: 'suspended', note: '受付と同時に利用停止（緊急停止・事後検印待ち）' })

      await app.ok('requests.receiveSuspension', { ...baseForm(b!), reason: 'suspected_fraud' }, 't1')
      expect((await app.customerRow(b!.id)).otp_status).toBe('suspended')
      const broken = await app.ok('requests.receiveSuspension', { ...baseForm(c!), reason: 'broken' }, 't1')
      expect(broken.urgent).toBe(false)
      expect((await app.customerRow(c!.id)).otp_status).toBe('in_use')
    })

    it('事後検印: approval keeps the status and records the check; a return keeps the token stopped', async () => {
      await setup()
      const [a, b] = (await app.customersIn('in_use'))
      const r1 = await app.ok('requests.receiveSuspension', suspensionForm(a!), 't1')
      const ok = await app.ok('requests.approve', { requestId: r1.id, version: r1.version }, 's1')
      expect(ok.state).toBe('approved')
      expect((await app.customerRow(a!.id)).otp_status).toBe('suspended')
      const approved = (await app.ok('customers.get', { customerId: a!.id }, 't1')).history[0]!
      expect(approved).toMatchObject({ kind: 'request_approved', toStatus: null, note: '事後検印・承認（受付時から利用停止）' })

      const r2 = await app.ok('requests.receiveSuspension', suspensionForm(b!), 't1')
      const back = await app.ok('requests.return', { requestId: r2.id, version: r2.version, reason: '届出印が不鮮明' }, 's1')
      expect((await app.customerRow(b!.id)).otp_status).toBe('suspended') // not silently reverted
      // Corrected and resubmitted although the status is already 利用停止 (it is this request's own).
      const again = await app.ok('requests.resubmit', { requestId: r2.id, version: back.version, form: { kind: 'suspension', ...suspensionForm(b!) } }, 't1')
      expect(again.state).toBe('pending_review')
      // Withdrawn: the stop stays until a 利用再開 is approved; the history says so.
      await app.ok('requests.withdraw', { requestId: r2.id, version: again.version, reason: 'お客さまが携帯電話を発見' }, 't1')
      expect((await app.customerRow(b!.id)).otp_status).toBe('suspended')
      const w = (await app.ok('customers.get', { customerId: b!.id }, 't1')).history[0]!
      expect(w.note).toBe('お客さまが携帯電話を発見（緊急停止のため利用停止は継続。再開には利用再開の依頼が必要）')
      const resume = await app.ok('customers.get', { customerId: b!.id }, 't1')
      expect(resume.allowedRequests).toContain('resumption')
    })

    it('supersedes an open request of the customer instead of being refused, and tells its teller', async () => {
      await setup()
      const c = (await app.customersIn('blocked'))[0]!
      const unlock = await app.ok('requests.receiveUnlock', unlockForm(c), 't2')
      // A 故障 stop still waits for the open request ...
      expect((await app.err('requests.receiveSuspension', { ...baseForm(c), reason: 'broken' }, 't1')).code).toBe('REQUEST_ALREADY_PENDING')
      // ... an urgent one does not.
      const stop = await app.ok('requests.receiveSuspension', suspensionForm(c), 't1')
      expect((await app.customerRow(c.id)).otp_status).toBe('suspended')
      const old = await app.ok('requests.get', { requestId: unlock.id }, 't2')
      expect(old.state).toBe('superseded')
      const row = (await app.rows('SELECT superseded_by, closed_by, closed_at FROM otp_requests WHERE id = ?', unlock.id))[0]
      expect(row).toEqual({ superseded_by: stop.id, closed_by: 1, closed_at: '2026-11-21T01:00:00.000Z' })
      const history = (await app.ok('customers.get', { customerId: c.id }, 't1')).history
      expect(history.find((h) => h.kind === 'request_superseded')).toMatchObject({ requestId: unlock.id, note: expect.stringContaining(`緊急の利用停止（受付番号 ${stop.receiptNo}）の受付により失効`) })
      expect((await app.auditRows()).find((a) => a.action === 'requests.supersede')).toMatchObject({ outcome: 'ok', actor_login_id: 'teller1' })
      // Its teller is told: it is in teller2's list of the day, with the reason.
      const mine = await app.ok('requests.myDay', {}, 't2')
      expect(mine.find((r) => r.id === unlock.id)).toMatchObject({ state: 'superseded', supersededByReceiptNo: stop.receiptNo, closedByName: '佐藤 美咲' })
      // A superseded request cannot be approved any more.
      expect((await app.err('requests.decideUnlock', { requestId: unlock.id, version: old.version, decision: 'approve', supervisorLoginId: 'super1', supervisorPassword: 'demo-pass-2026' }, 't2')).code).toBe('REQUEST_NOT_PENDING')
    })

    it('a returned request of the customer is superseded too, and an urgent stop from a status that does not allow it is still refused', async () => {
      await setup()
      const c = (await app.customersIn('in_use'))[0]!
      const cancel = await app.ok('requests.receiveCancellation', baseForm(c), 't2')
      await app.ok('requests.return', { requestId: cancel.id, version: cancel.version, reason: '記載漏れ' }, 's1')
      await app.ok('requests.receiveSuspension', suspensionForm(c), 't1')
      expect((await app.ok('requests.get', { requestId: cancel.id }, 't1')).state).toBe('superseded')
      expect(await app.ok('requests.returnedToMe', {}, 't2')).toEqual({ items: [], total: 0, nextCursor: null })
      const none = (await app.customersIn('unregistered'))[0]!
      expect((await app.err('requests.receiveSuspension', suspensionForm(none), 't1')).code).toBe('REQUEST_NOT_ALLOWED')
      expect((await app.customerRow(none.id)).otp_status).toBe('unregistered')
    })
  })
})
