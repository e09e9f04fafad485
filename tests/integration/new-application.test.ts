import { afterEach, describe, expect, it } from 'vitest'
import type { OpInput } from '../../shared/contract'
import type { OtpStatus } from '../../shared/status'
import { newApplicationForm, type CustomerRow } from '../helpers/forms'
import { ENGINES, createEngineApp, type EngineApp } from '../helpers/engines'

describe.each(ENGINES)('on the %s ledger', (engine) => {
  let app: EngineApp
  afterEach(async () => {
    if (app?.ctx.ledger.isOpen()) await app.expectVerifies() // the journal verifies after every flow
    await app?.close()
  })

  async function customerIn(status: OtpStatus, nth = 0): Promise<CustomerRow> {
    return (await app.customersIn(status))[nth]!
  }

  function formFor(c: CustomerRow, over: Partial<OpInput<'requests.receiveNewApplication'>> = {}): OpInput<'requests.receiveNewApplication'> {
    return { ...newApplicationForm(c), ...over }
  }

  describe('新規申込: reception by a teller, 検印 by a supervisor', () => {
    it('the status changes only at approval, with history and audit rows', async () => {
      app = await createEngineApp(engine)
      await app.loginAs('teller1', 'teller')
      await app.loginAs('super1', 'super')
      const c = await customerIn('unregistered')

      const req = await app.ok('requests.receiveNewApplication', formFor(c), 'teller')
      expect(req).toMatchObject({ kind: 'new_application', state: 'pending_review', receiptNo: '001-20261121-0001', statusAtReceipt: 'unregistered' })
      let detail = await app.ok('customers.get', { customerId: c.id }, 'teller')
      expect(detail.otpStatus).toBe('unregistered')
      expect(detail.requests[0]).toMatchObject({ id: req.id, state: 'pending_review' })

      const queue = await app.ok('requests.pendingReview', {}, 'super')
      expect(queue.items.map((q) => q.id)).toContain(req.id)

      const approved = await app.ok('requests.approve', { requestId: req.id, version: req.version }, 'super')
      expect(approved).toMatchObject({ state: 'approved', reviewedByName: '高橋 健一', resultStatus: 'awaiting_issue' })
      detail = await app.ok('customers.get', { customerId: c.id }, 'teller')
      expect(detail.otpStatus).toBe('awaiting_issue')
      expect(detail.history.slice(0, 2).map((h) => [h.kind, h.fromStatus, h.toStatus, h.actorName])).toEqual([
        ['request_approved', 'unregistered', 'awaiting_issue', '高橋 健一'],
        ['request_received', 'unregistered', null, '佐藤 美咲'],
      ])
      expect((await app.ok('requests.pendingReview', {}, 'super')).items.map((q) => q.id)).not.toContain(req.id)
      const actions = (await app.auditRows()).filter((a) => a.outcome === 'ok').map((a) => a.action)
      expect(actions).toEqual(expect.arrayContaining(['requests.receiveNewApplication', 'requests.approve']))
    })

    it('receipt numbers run per branch and Japan business day, and start again the next day', async () => {
      app = await createEngineApp(engine, { now: new Date('2026-11-21T14:58:00Z') }) // 23:58 JST
      await app.loginAs('teller1')
      const a = await app.ok('requests.receiveNewApplication', formFor(await customerIn('unregistered', 0)))
      const b = await app.ok('requests.receiveNewApplication', formFor(await customerIn('unregistered', 1)))
      app.clock.now = new Date('2026-11-21T15:01:00Z') // 00:01 JST on the 22nd
      const c = await app.ok('requests.receiveNewApplication', formFor(await customerIn('unregistered', 2), { applicationDate: '2026-11-22' }))
      expect([a.receiptNo, b.receiptNo, c.receiptNo]).toEqual(['001-20261121-0001', '001-20261121-0002', '001-20261122-0001'])
    })

    it('a teller cannot 検印, and nobody approves what they received', async () => {
      app = await createEngineApp(engine)
      await app.loginAs('teller1', 'teller')
      await app.loginAs('super1', 'super')
      const own = await app.ok('requests.receiveNewApplication', formFor(await customerIn('unregistered', 0)), 'super')
      const other = await app.ok('requests.receiveNewApplication', formFor(await customerIn('unregistered', 1)), 'teller')
      const before = await app.snapshot()

      expect((await app.err('requests.approve', { requestId: other.id, version: 1 }, 'teller')).code).toBe('FORBIDDEN_ROLE')
      const self = await app.err('requests.approve', { requestId: own.id, version: 1 }, 'super')
      expect(self).toMatchObject({ code: 'SELF_APPROVAL', message: '自分が受け付けた依頼は検印できません。' })
      expect(await app.snapshot()).toBe(before)
      const refused = (await app.auditRows()).filter((a) => a.outcome === 'refused').map((a) => [a.action, JSON.parse(a.detail_json!).reason])
      expect(refused).toEqual([
        ['requests.approve', 'FORBIDDEN_ROLE'],
        ['requests.approve', 'SELF_APPROVAL'],
      ])
      // Another supervisor may.
      await app.loginAs('super2', 'super2')
      await app.ok('requests.approve', { requestId: own.id, version: 1 }, 'super2')
    })

    it('two approvals of the same request: one wins, the other is refused, the ledger shows one', async () => {
      app = await createEngineApp(engine)
      await app.loginAs('teller1', 'teller')
      await app.loginAs('super1', 's1')
      await app.loginAs('super2', 's2')
      const c = await customerIn('unregistered')
      const req = await app.ok('requests.receiveNewApplication', formFor(c), 'teller')
      const results = await Promise.all([
        app.raw('requests.approve', { requestId: req.id, version: req.version }, 's1'),
        app.raw('requests.approve', { requestId: req.id, version: req.version }, 's2'),
      ])
      expect(results.filter((r) => r.ok)).toHaveLength(1)
      const loser = results.find((r) => !r.ok)
      expect(loser && !loser.ok && loser.error.code).toBe('REQUEST_NOT_PENDING')
      const approvals = (await app.rows("SELECT count(*) AS n FROM otp_history WHERE kind='request_approved' AND request_id=?", req.id))[0]
      expect(approvals).toEqual({ n: 1 })
      // Approving what is no longer waiting is refused with the state it is in.
      expect((await app.err('requests.approve', { requestId: req.id, version: 1 }, 's2')).message).toBe('この依頼は現在「承認」のため、この操作はできません。')
    })

    it('an approval of another version than the one on screen is refused and changes nothing', async () => {
      app = await createEngineApp(engine)
      await app.loginAs('teller1', 'teller')
      await app.loginAs('super1', 's1')
      const req = await app.ok('requests.receiveNewApplication', formFor(await customerIn('unregistered')), 'teller')
      const before = await app.snapshot()
      const e = await app.err('requests.approve', { requestId: req.id, version: req.version + 1 }, 's1')
      expect(e).toMatchObject({ code: 'STALE_VERSION', message: '他の職員が先に処理しました。画面を更新して確認してください。' })
      expect(await app.snapshot()).toBe(before)
    })

    it('refuses a status that does not allow it, naming both the status and the request, and saves nothing', async () => {
      app = await createEngineApp(engine)
      await app.loginAs('teller1')
      for (const status of ['awaiting_issue', 'token_issued', 'in_use', 'blocked', 'suspended', 'issuance_restricted'] as const) {
        const c = await customerIn(status)
        const before = await app.snapshot()
        const e = await app.err('requests.receiveNewApplication', formFor(c))
        expect(e.code).toBe('REQUEST_NOT_ALLOWED')
        expect(e.message).toMatch(/^登録状況が「.+」のため、「新規申込」は受け付けられません。$/)
        expect(await app.snapshot()).toBe(before)
      }
      expect((await app.err('requests.receiveNewApplication', formFor(await customerIn('in_use')))).message).toBe(
        '登録状況が「サービス利用中」のため、「新規申込」は受け付けられません。',
      )
    })

    it('after a ご利用解除, a new application is accepted only from the next Japan day', async () => {
      // The demo's first cancelled customer was cancelled "today" (2026-11-21 JST).
      app = await createEngineApp(engine, { now: new Date('2026-11-21T14:59:00Z') }) // 23:59 JST
      await app.loginAs('teller1')
      const c = await customerIn('cancelled', 0)
      expect((await app.rows('SELECT cancelled_on FROM customers WHERE id=?', c.id))[0]).toEqual({ cancelled_on: '2026-11-21' })
      // The customer screen does not offer it, and says from when it is accepted.
      const screen = await app.ok('customers.get', { customerId: c.id })
      expect(screen.allowedRequests).toEqual([])
      expect(screen.blockedRequests).toEqual([{ kind: 'new_application', message: expect.stringContaining('令和8年11月22日以降') }])
      const before = await app.snapshot()
      const e = await app.err('requests.receiveNewApplication', formFor(c))
      expect(e.code).toBe('NEXT_DAY_RULE')
      expect(e.message).toContain('令和8年11月22日以降に受け付けできます')
      expect(await app.snapshot()).toBe(before)

      app.clock.now = new Date('2026-11-21T15:00:00Z') // midnight JST
      expect((await app.ok('customers.get', { customerId: c.id })).allowedRequests).toEqual(['new_application'])
      const ok = await app.ok('requests.receiveNewApplication', formFor(c, { applicationDate: '2026-11-22' }))
      expect(ok.statusAtReceipt).toBe('cancelled')
      // Cancelled earlier: accepted at once.
      await app.ok('requests.receiveNewApplication', formFor(await customerIn('cancelled', 1)))
    })

    it('the next-day rule does not depend on the machine time zone', async () => {
      const saved = process.env.TZ
      try {
        for (const tz of ['UTC', 'America/Los_Angeles', 'Asia/Tokyo', 'Pacific/Kiritimati']) {
          process.env.TZ = tz
          app = await createEngineApp(engine, { now: new Date('2026-11-21T10:00:00Z') }) // 19:00 JST on the 21st
          await app.loginAs('teller1')
          expect((await app.err('requests.receiveNewApplication', formFor(await customerIn('cancelled', 0)))).code, tz).toBe('NEXT_DAY_RULE')
          app.close()
        }
      } finally {
        process.env.TZ = saved
      }
      app = await createEngineApp(engine)
    })

    it('checks the paper against the customer record, and refuses a second open request', async () => {
      app = await createEngineApp(engine)
      await app.loginAs('teller1')
      const c = await customerIn('unregistered')
      const wrong = await app.err('requests.receiveNewApplication', formFor(c, { account: { branchCode: '001', type: 'ordinary', number: '9999999' }, ibContractId: '1111111111' }))
      expect(wrong.code).toBe('ACCOUNT_MISMATCH')
      expect(wrong.fields).toEqual({ 'account.number': '口座番号がお客さまの口座と一致しません', ibContractId: 'IB契約者IDがお客さまの登録と一致しません' })

      const future = await app.err('requests.receiveNewApplication', formFor(c, { applicationDate: '2026-11-22' }))
      expect(future.fields).toEqual({ applicationDate: 'お申込日に未来の日付は入力できません' })

      const first = await app.ok('requests.receiveNewApplication', formFor(c))
      const dup = await app.err('requests.receiveNewApplication', formFor(c))
      expect(dup.code).toBe('REQUEST_ALREADY_PENDING')
      expect(dup.message).toContain(first.receiptNo)
    })

    it('stores the form in its normal form whatever width it was typed in', async () => {
      app = await createEngineApp(engine)
      await app.loginAs('teller1')
      const c = await customerIn('unregistered')
      const toFull = (s: string) => s.replace(/[0-9]/g, (d) => String.fromCharCode(d.charCodeAt(0) + 0xfee0))
      const req = await app.ok(
        'requests.receiveNewApplication',
        formFor(c, {
          nameKana: 'ﾀﾅｶ ﾊﾅｺ',
          phone: toFull(c.phone).replace(/-/g, '－'),
          account: { branchCode: toFull(c.account_branch_code), type: c.account_type, number: toFull(c.account_number) },
        }),
      )
      expect(req.form.nameKana).toBe('タナカ\u3000ハナコ')
      expect(req.form.phone).toBe(c.phone)
      expect(req.form.account.number).toBe(c.account_number)
    })
  })
})
