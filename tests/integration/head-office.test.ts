// 本部 (head_office, issue 12): reads every branch (queue, request screen, forms, journal and its
// PDF, figures, audit) and changes nothing. The refusal is central: the dispatcher refuses every
// operation shared/operations.ts declares as changing the ledger, whatever the payload.
import { afterEach, describe, expect, it } from 'vitest'
import { contract } from '../../shared/contract'
import { OPERATION_EFFECTS, OPERATION_NAMES } from '../../shared/operations'
import { DEMO_PASSWORD } from '../../db/seed'
import { baseForm } from '../helpers/forms'
import { ENGINES, createEngineApp, type EngineApp } from '../helpers/engines'

describe.each(ENGINES)('on the %s ledger', (engine) => {
  let app: EngineApp
  afterEach(async () => app?.close())

  async function setup(): Promise<void> {
    app = await createEngineApp(engine)
    await app.loginAs('honbu1', 'hq')
    await app.loginAs('teller1', 't1')
    await app.loginAs('teller3', 't3')
    await app.loginAs('super1', 's1')
  }

  const LEDGER_CHANGING = OPERATION_NAMES.filter((op) => OPERATION_EFFECTS[op] === 'changes')

  describe('本部 changes nothing', () => {
    it('the declaration is sound: a query never changes the ledger, and the list is not empty', () => {
      for (const op of OPERATION_NAMES) if (contract[op].kind === 'query') expect(OPERATION_EFFECTS[op], op).not.toBe('changes')
      expect(LEDGER_CHANGING).toContain('requests.approve')
      expect(LEDGER_CHANGING).toContain('forms.print')
      expect(LEDGER_CHANGING.length).toBeGreaterThan(25)
    })

    it('every ledger-changing operation is refused for the head office and changes nothing', async () => {
      await setup()
      const [a] = (await app.customersIn('in_use'))
      const req = await app.ok('requests.receiveCancellation', baseForm(a!), 't1')
      // Payloads that would be valid where one is easy to make: the refusal comes before them anyway.
      const payloads: Partial<Record<(typeof LEDGER_CHANGING)[number], unknown>> = {
        'requests.receiveCancellation': baseForm((await app.customersIn('in_use'))[1]!),
        'requests.approve': { requestId: req.id, version: req.version },
        'requests.return': { requestId: req.id, version: req.version, reason: '記載漏れ' },
        'requests.withdraw': { requestId: req.id, version: req.version, reason: '重複受付' },
        'forms.print': { form: 'customer_receipt', requestId: req.id },
        'forms.printDailyJournal': { businessDate: '2026-11-21' },
      }
      for (const op of LEDGER_CHANGING) {
        const before = await app.snapshot()
        const e = await app.err(op, payloads[op] ?? {}, 'hq')
        expect(e, op).toMatchObject({ code: 'HEAD_OFFICE_READ_ONLY', message: '本部の職員は照会のみ行えます。台帳を変更する操作はできません。' })
        expect(await app.snapshot(), op).toBe(before)
      }
      // Each refusal is on the trail (the first of a kind at once), under the head office's login.
      expect((await app.auditRows()).some((r) => r.actor_login_id === 'honbu1' && r.outcome === 'refused')).toBe(true)
      // 役席認証 with the head office's credentials typed at a counter is no approval either.
      const e = await app.err(
        'requests.decideUnlock',
        { requestId: req.id, version: req.version, supervisorLoginId: 'honbu1', supervisorPassword: DEMO_PASSWORD, decision: 'approve' },
        't1',
      )
      expect(e.code).toBe('NOT_A_SUPERVISOR')
      await app.expectVerifies()
    })
  })

  describe('本部 reads every branch', () => {
    it('queue, request screen, forms, journal and its PDF, figures and audit of any branch', async () => {
      await setup()
      const [a, b] = (await app.customersIn('in_use'))
      const r1 = await app.ok('requests.receiveCancellation', baseForm(a!), 't1')
      const r3 = await app.ok('requests.receiveCancellation', baseForm(b!), 't3')

      expect((await app.ok('branches.list', {}, 'hq')).map((x) => x.code)).toEqual(['001', '002', '900'])
      expect((await app.ok('requests.pendingReview', { branchCode: '001' }, 'hq')).items.map((r) => r.id)).toEqual([r1.id])
      expect((await app.ok('requests.pendingReview', { branchCode: '002' }, 'hq')).items.map((r) => r.id)).toEqual([r3.id])
      // Its own branch (本部) by default: nothing is received there.
      expect((await app.ok('requests.pendingReview', {}, 'hq')).total).toBe(0)
      expect((await app.err('requests.pendingReview', { branchCode: '077' }, 'hq')).fields).toEqual({ branchCode: 'この店番の店はありません' })

      expect((await app.ok('requests.get', { requestId: r1.id }, 'hq')).receiptNo).toBe(r1.receiptNo)
      expect((await app.ok('requests.get', { requestId: r3.id }, 'hq')).receiptNo).toBe(r3.receiptNo)
      expect((await app.ok('forms.preview', { form: 'customer_receipt', requestId: r3.id }, 'hq')).pdfBase64.length).toBeGreaterThan(100)

      const day = { businessDate: '2026-11-21' }
      expect((await app.ok('journal.list', { ...day, branchCode: '002' }, 'hq')).items.map((i) => i.receiptNo)).toEqual([r3.receiptNo])
      expect((await app.ok('forms.previewDailyJournal', { ...day, branchCode: '001' }, 'hq')).fileName).toContain('001')
      expect((await app.ok('exports.journal', { ...day, branchCode: '001', encoding: 'utf-8-bom' }, 'hq')).rowCount).toBe(1)

      const period = { from: '2026-11-01', to: '2026-11-30' }
      const all = await app.ok('figures.summary', period, 'hq')
      expect(all.byBranch.map((x) => [x.branchCode, x.count])).toEqual([
        ['001', 1],
        ['002', 1],
      ])
      expect((await app.ok('figures.summary', { ...period, branchCode: '002' }, 'hq')).byBranch.map((x) => x.branchCode)).toEqual(['002'])
      expect((await app.ok('exports.requests', { ...period, encoding: 'utf-8-bom' }, 'hq')).rowCount).toBe(2)

      const audit = await app.ok('audit.search', period, 'hq')
      expect(audit.scope.allBranches).toBe(true)
      expect(new Set(audit.entries.map((i) => i.branchCode))).toEqual(new Set(['001', '002', '900']))
      // The counter's screens stay the counter's.
      expect((await app.err('customers.search', { kana: 'タナカ' }, 'hq')).code).toBe('FORBIDDEN_ROLE')
    })

    it('an administrator registers head-office staff (with a second person’s confirmation), who log in read-only', async () => {
      await setup()
      await app.loginAs('admin1', 'adm')
      const input = { loginId: 'honbu2', name: '本部 二郎', role: 'head_office' as const, password: 'first-pass-2026' }
      expect((await app.err('staff.create', input, 'adm')).code).toBe('CONFIRMATION_REQUIRED')
      const created = await app.ok('staff.create', { ...input, confirmation: { loginId: 'super1', password: DEMO_PASSWORD } }, 'adm')
      expect(created.role).toBe('head_office')
      await app.firstLogin('honbu2', 'first-pass-2026', 'hq2')
      expect((await app.ok('auth.state', {}, 'hq2')).user?.role).toBe('head_office')
      expect((await app.err('requests.receiveCancellation', baseForm((await app.customersIn('in_use'))[0]!), 'hq2')).code).toBe('HEAD_OFFICE_READ_ONLY')
      await app.expectVerifies()
    })
  })
})
