// Branch-owned work (issue 13, point 3) and the teller's own list of the day (point 9): any teller
// of the branch takes over a returned request (on the record); a supervisor withdraws any open
// request of the branch with a reason.
import { afterEach, describe, expect, it } from 'vitest'
import { baseForm } from '../helpers/forms'
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

  describe('引継ぎ and 取消 by the branch', () => {
    it('another teller takes over a returned request, corrects and resubmits it; who took over is recorded', async () => {
      await setup()
      const c = (await app.customersIn('in_use'))[0]!
      const req = await app.ok('requests.receiveCancellation', baseForm(c), 't1')
      const back = await app.ok('requests.return', { requestId: req.id, version: req.version, reason: '本人確認書類の記載漏れ' }, 's1')
      const list = await app.ok('requests.returnedToMe', {}, 't2')
      expect(list.items.map((r) => [r.receiptNo, r.receivedByName, r.takenOverByName])).toEqual([[req.receiptNo, '佐藤 美咲', null]])

      const form = { kind: 'cancellation' as const, ...baseForm(c), identity: { documentType: 'passport' as const } }
      expect((await app.err('requests.resubmit', { requestId: req.id, version: back.version, form }, 't2')).code).toBe('NOT_RECEIVER')
      const taken = await app.ok('requests.takeOver', { requestId: req.id, version: back.version }, 't2')
      expect(taken).toMatchObject({ state: 'returned', takenOverByName: '鈴木 翔太', takenOverByStaffId: 2 })
      const h = (await app.ok('customers.get', { customerId: c.id }, 't2')).history[0]!
      expect(h).toMatchObject({ kind: 'request_taken_over', actorName: '鈴木 翔太', note: '佐藤 美咲 から 鈴木 翔太 へ引継ぎ' })
      expect((await app.auditRows()).filter((a) => a.action === 'requests.takeOver').map((a) => [a.outcome, a.actor_login_id])).toEqual([['ok', 'teller2']])
      // Now it is teller2's: the receiver no longer resubmits it (stale, and no longer theirs).
      expect((await app.err('requests.resubmit', { requestId: req.id, version: taken.version, form }, 't1')).code).toBe('NOT_RECEIVER')
      const again = await app.ok('requests.resubmit', { requestId: req.id, version: taken.version, form }, 't2')
      expect(again.state).toBe('pending_review')
      await app.ok('requests.approve', { requestId: req.id, version: again.version }, 's2')
      expect((await app.customerRow(c.id)).otp_status).toBe('cancelled')
    })

    it('refuses a takeover of an open request not returned, by the supervisor who returned it, twice, or at a stale version', async () => {
      await setup()
      const c = (await app.customersIn('in_use'))[0]!
      const req = await app.ok('requests.receiveCancellation', baseForm(c), 't1')
      expect((await app.err('requests.takeOver', { requestId: req.id, version: req.version }, 't2')).code).toBe('REQUEST_NOT_PENDING')
      const back = await app.ok('requests.return', { requestId: req.id, version: req.version, reason: '記載漏れ' }, 's1')
      expect((await app.err('requests.takeOver', { requestId: req.id, version: back.version }, 's1')).code).toBe('SELF_APPROVAL')
      expect((await app.err('requests.takeOver', { requestId: req.id, version: back.version }, 't1')).code).toBe('ALREADY_HANDLER')
      expect((await app.err('requests.takeOver', { requestId: req.id, version: req.version }, 't2')).code).toBe('STALE_VERSION')
      // A supervisor who takes it over and resubmits may not approve it.
      const taken = await app.ok('requests.takeOver', { requestId: req.id, version: back.version }, 's2')
      const again = await app.ok('requests.resubmit', { requestId: req.id, version: taken.version, form: { kind: 'cancellation', ...baseForm(c) } }, 's2')
      expect((await app.err('requests.approve', { requestId: req.id, version: again.version }, 's2')).code).toBe('SELF_APPROVAL')
      await app.ok('requests.approve', { requestId: req.id, version: again.version }, 's1')
    })

    it('a supervisor withdraws any open request of the branch with a reason; another teller may not', async () => {
      await setup()
      const [a, b] = (await app.customersIn('in_use'))
      const pending = await app.ok('requests.receiveCancellation', baseForm(a!), 't1')
      expect((await app.err('requests.withdraw', { requestId: pending.id, version: pending.version, reason: '重複受付' }, 't2')).code).toBe('NOT_RECEIVER')
      const w = await app.ok('requests.withdraw', { requestId: pending.id, version: pending.version, reason: '重複受付のため' }, 's1')
      expect(w).toMatchObject({ state: 'withdrawn', withdrawReason: '重複受付のため' })
      expect((await app.rows('SELECT closed_by FROM otp_requests WHERE id = ?', pending.id))[0]).toEqual({ closed_by: 3 })
      expect((await app.auditRows()).find((x) => x.action === 'requests.withdraw' && x.outcome === 'ok')?.detail_json).toContain('"byRole":"supervisor"')
      const returned = await app.ok('requests.receiveCancellation', baseForm(b!), 't1')
      const back = await app.ok('requests.return', { requestId: returned.id, version: returned.version, reason: '記載漏れ' }, 's1')
      await app.ok('requests.withdraw', { requestId: returned.id, version: back.version, reason: '担当者不在のため取消' }, 's2')
      expect((await app.customerRow(b!.id)).otp_status).toBe('in_use')
    })
  })

  describe('本日の自分の受付', () => {
    it("lists the caller's requests of today, newest first, and not another teller's or another day's", async () => {
      await setup()
      const [a, b, c] = (await app.customersIn('in_use'))
      const old = await app.ok('requests.receiveCancellation', baseForm(a!), 't1')
      // Received on the day before (moved there: a session does not outlive a working day).
      await app.behind("UPDATE otp_requests SET business_date = '2026-11-20', received_at = '2026-11-20T01:00:00.000Z' WHERE id = ?", old.id)
      const r2 = await app.ok('requests.receiveCancellation', baseForm(b!), 't1')
      app.clock.now = new Date('2026-11-21T01:20:00Z')
      const r3 = await app.ok('requests.receiveCancellation', baseForm(c!), 't1')
      expect((await app.ok('requests.myDay', {}, 't1')).map((r) => r.id)).toEqual([r3.id, r2.id])
      expect(await app.ok('requests.myDay', {}, 't2')).toEqual([])
    })
  })
})
