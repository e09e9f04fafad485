// Branch scoping (issue 12): the ledger holds many branches; tellers and supervisors see and act on
// their own branch's requests only. The demo has a second branch (002 駅前支店: teller3, super3).
// Acting on another branch's request is refused (OTHER_BRANCH_REQUEST, 他店の依頼は取り扱えません。),
// audited, and changes nothing else; reads of another branch are refused or left out. Customers
// stay searchable across the credit union: a request belongs to the branch that received it.
import { afterEach, describe, expect, it } from 'vitest'
import { DEMO_PASSWORD } from '../../db/seed'
import { baseForm, unlockForm } from '../helpers/forms'
import { ENGINES, createEngineApp, type EngineApp } from '../helpers/engines'

describe.each(ENGINES)('on the %s ledger', (engine) => {
  let app: EngineApp
  afterEach(async () => app?.close())

  async function setup(): Promise<void> {
    app = await createEngineApp(engine)
    for (const [id, key] of [
      ['teller1', 't1'],
      ['super1', 's1'],
      ['teller3', 't3'],
      ['super3', 's3'],
    ] as const)
      await app.loginAs(id, key)
  }

  const OTHER = { code: 'OTHER_BRANCH_REQUEST', message: '他店の依頼は取り扱えません。' }

  /** Runs a refused call and checks that only the audit trail moved. */
  async function refusedUnchanged(op: string, payload: unknown, key: string, expected: Record<string, unknown> = OTHER): Promise<void> {
    const before = await app.snapshot()
    expect(await app.err(op, payload, key)).toMatchObject(expected)
    expect(await app.snapshot()).toBe(before)
  }

  describe('a branch works its own requests', () => {
    it('each supervisor’s 検印 queue holds their branch’s requests only', async () => {
      await setup()
      const [a, b] = (await app.customersIn('in_use'))
      const at001 = await app.ok('requests.receiveCancellation', baseForm(a!), 't1')
      const at002 = await app.ok('requests.receiveCancellation', baseForm(b!), 't3')
      expect(at001.receiptNo).toBe('001-20261121-0001')
      // A customer whose account is at 001, received at 002: the request is 002's, numbered there.
      expect(at002.receiptNo).toBe('002-20261121-0001')
      const q1 = await app.ok('requests.pendingReview', {}, 's1')
      const q3 = await app.ok('requests.pendingReview', {}, 's3')
      expect([q1.total, q1.items.map((r) => r.id)]).toEqual([1, [at001.id]])
      expect([q3.total, q3.items.map((r) => r.id)]).toEqual([1, [at002.id]])
      // Asking for another branch's queue is refused on the field.
      expect((await app.err('requests.pendingReview', { branchCode: '001' }, 's3')).fields).toEqual({ branchCode: '他の店の記録は照会できません' })
    })

    it('refuses 検印・差戻し・取消・再提出・引継ぎ of another branch’s request, changes nothing, and audits the refusal', async () => {
      await setup()
      const [a, b] = (await app.customersIn('in_use'))
      const pending = await app.ok('requests.receiveCancellation', baseForm(a!), 't1')
      await refusedUnchanged('requests.approve', { requestId: pending.id, version: pending.version }, 's3')
      await refusedUnchanged('requests.return', { requestId: pending.id, version: pending.version, reason: '記載漏れ' }, 's3')
      await refusedUnchanged('requests.withdraw', { requestId: pending.id, version: pending.version, reason: '重複受付' }, 's3')

      const other = await app.ok('requests.receiveCancellation', baseForm(b!), 't1')
      const back = await app.ok('requests.return', { requestId: other.id, version: other.version, reason: '記載漏れ' }, 's1')
      await refusedUnchanged('requests.takeOver', { requestId: other.id, version: back.version }, 't3')
      await refusedUnchanged('requests.withdraw', { requestId: other.id, version: back.version, reason: '重複受付' }, 't3')
      await refusedUnchanged('requests.resubmit', { requestId: other.id, version: back.version, form: { kind: 'cancellation', ...baseForm(b!) } }, 't3')
      // 002's 差戻し list does not hold 001's returned request.
      expect((await app.ok('requests.returnedToMe', {}, 't3')).total).toBe(0)

      const refusals = (await app.auditRows()).filter((r) => r.outcome === 'refused' && r.detail_json?.includes('OTHER_BRANCH_REQUEST'))
      expect(refusals.map((r) => [r.action, r.actor_login_id])).toEqual([
        ['requests.approve', 'super3'],
        ['requests.return', 'super3'],
        ['requests.withdraw', 'super3'],
        ['requests.takeOver', 'teller3'],
        ['requests.withdraw', 'teller3'],
        ['requests.resubmit', 'teller3'],
      ])
      // Their own branch still works them.
      await app.ok('requests.approve', { requestId: pending.id, version: pending.version }, 's1')
      expect((await app.customerRow(a!.id)).otp_status).toBe('cancelled')
    })

    it('閉塞解除: 役席認証 by a supervisor of another branch is refused, and so is a counter of another branch', async () => {
      await setup()
      const [a, b] = (await app.customersIn('blocked'))
      const decide = (requestId: number, version: number, supervisorLoginId: string) => ({
        requestId,
        version,
        supervisorLoginId,
        supervisorPassword: DEMO_PASSWORD,
        decision: 'approve' as const,
      })
      const req = await app.ok('requests.receiveUnlock', unlockForm(a!), 't1')
      // 001's counter, 002's supervisor typing their credentials.
      await refusedUnchanged('requests.decideUnlock', decide(req.id, req.version, 'super3'), 't1')
      // 002's counter sending 001's request, with 001's supervisor's credentials.
      await refusedUnchanged('requests.decideUnlock', decide(req.id, req.version, 'super1'), 't3')
      expect((await app.customerRow(a!.id)).otp_status).toBe('blocked')
      await app.ok('requests.decideUnlock', decide(req.id, req.version, 'super1'), 't1')
      expect((await app.customerRow(a!.id)).otp_status).toBe('in_use')

      // A customer of 001 received at 002: 002's supervisor decides it, 001's may not.
      const at002 = await app.ok('requests.receiveUnlock', unlockForm(b!), 't3')
      await refusedUnchanged('requests.decideUnlock', decide(at002.id, at002.version, 'super1'), 't3')
      await app.ok('requests.decideUnlock', decide(at002.id, at002.version, 'super3'), 't3')
    })

    it('the request screen and its forms are refused to another branch', async () => {
      await setup()
      const [a] = (await app.customersIn('in_use'))
      const req = await app.ok('requests.receiveCancellation', baseForm(a!), 't1')
      expect(await app.err('requests.get', { requestId: req.id }, 't3')).toMatchObject(OTHER)
      expect(await app.err('requests.get', { requestId: req.id }, 's3')).toMatchObject(OTHER)
      expect(await app.err('forms.preview', { form: 'customer_receipt', requestId: req.id }, 's3')).toMatchObject(OTHER)
      await refusedUnchanged('forms.print', { form: 'customer_receipt', requestId: req.id }, 't3')
      expect((await app.ok('requests.get', { requestId: req.id }, 's1')).id).toBe(req.id)
    })

    it('日次取扱一覧, its PDF, 本日の受付, 集計 and the CSV exports show the caller’s branch only', async () => {
      await setup()
      const [a, b, c] = (await app.customersIn('in_use'))
      const r1 = await app.ok('requests.receiveCancellation', baseForm(a!), 't1')
      await app.ok('requests.receiveCancellation', baseForm(b!), 't1')
      const r3 = await app.ok('requests.receiveCancellation', baseForm(c!), 't3')
      const day = { businessDate: '2026-11-21' }

      const j3 = await app.ok('journal.list', day, 's3')
      expect(j3.items.map((i) => i.receiptNo)).toEqual([r3.receiptNo])
      expect((await app.ok('journal.list', day, 's1')).items.map((i) => i.receiptNo)).toEqual([r1.receiptNo, '001-20261121-0002'])
      expect((await app.err('journal.list', { ...day, branchCode: '001' }, 's3')).fields).toEqual({ branchCode: '他の店の記録は照会できません' })
      expect((await app.err('forms.previewDailyJournal', { ...day, branchCode: '001' }, 's3')).fields).toEqual({ branchCode: '他の店の記録は照会できません' })
      const pdf = await app.ok('forms.previewDailyJournal', day, 's3')
      expect(pdf.fileName).toContain('002')

      expect((await app.ok('requests.myDay', {}, 't3')).map((i) => i.receiptNo)).toEqual([r3.receiptNo])

      const period = { from: '2026-11-01', to: '2026-11-30' }
      const f3 = await app.ok('figures.summary', period, 's3')
      expect(f3.byBranch.map((x) => [x.branchCode, x.count])).toEqual([['002', 1]])
      expect((await app.err('figures.summary', { ...period, branchCode: '001' }, 's3')).fields).toEqual({ branchCode: '他の店の記録は照会できません' })
      const csv = await app.ok('exports.requests', { ...period, encoding: 'utf-8-bom' }, 's3')
      expect(csv.rowCount).toBe(1)
      expect((await app.ok('exports.journal', { ...day, encoding: 'utf-8-bom' }, 's3')).rowCount).toBe(1)
      expect((await app.ok('exports.figures', { ...period, encoding: 'utf-8-bom' }, 's3')).fileName).toContain('_002')
      expect((await app.err('exports.requests', { ...period, branchCode: '001', encoding: 'utf-8-bom' }, 's3')).code).toBe('VALIDATION_FAILED')
    })

    it('customers are searchable across the credit union', async () => {
      await setup()
      const [a] = (await app.customersIn('in_use'))
      const found = await app.ok('customers.search', { branchCode: a!.account_branch_code, accountNumber: a!.account_number }, 't3')
      expect(found.map((c) => c.id)).toContain(a!.id)
      expect((await app.ok('customers.get', { customerId: a!.id }, 't3')).id).toBe(a!.id)
    })
  })
})
