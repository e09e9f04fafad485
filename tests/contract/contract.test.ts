// For every operation of the contract: a bad payload is refused with a validation error, a wrong
// role is refused, a missing session is refused, an unknown operation is refused, and none of
// them changes the ledger. The table below must name every operation: a new one without an entry
// fails here. It runs on both engines (tests/helpers/engines.ts): the embedded SQLite ledger and a
// terminal on the shared PostgreSQL ledger.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { OPERATION_NAMES, type OperationName } from '../../shared/operations'
import { contract } from '../../shared/contract'
import { ENGINES, createEngineApp, type EngineApp } from '../helpers/engines'

type Who = 'teller' | 'supervisor' | 'admin' | 'head_office'
interface Case {
  /** Sessions whose role may call it; 'public' needs none. */
  allowed: Who[] | 'public' | 'any-user'
  /** A payload the schema must refuse. */
  bad: unknown
  /** A role that must be refused (none for public and any-user operations). */
  wrong?: Who
}

const CASES: Record<OperationName, Case> = {
  'system.info': { allowed: 'public', bad: { extra: 1 } },
  'auth.state': { allowed: 'public', bad: { user: { role: 'admin' } } },
  'auth.setupFirstAdmin': { allowed: 'public', bad: { branchCode: 'x', loginId: '', password: '1' } },
  'auth.login': { allowed: 'public', bad: { loginId: 'a', password: 5 } },
  'auth.logout': { allowed: 'any-user', bad: { staffId: 1 } },
  'auth.changePassword': { allowed: 'any-user', bad: { currentPassword: 'x', newPassword: 'short' } },
  'auth.activity': { allowed: 'any-user', bad: { at: 1 } },
  'staff.list': { allowed: ['admin'], bad: { all: true }, wrong: 'teller' },
  'staff.create': { allowed: ['admin'], bad: { loginId: 'new1', name: 'x', role: 'root', password: 'short' }, wrong: 'supervisor' },
  'staff.unlock': { allowed: ['admin'], bad: { staffId: 'one' }, wrong: 'supervisor' },
  'staff.resetPassword': { allowed: ['admin'], bad: { staffId: 2, password: 'short' }, wrong: 'teller' },
  'staff.changeRole': { allowed: ['admin'], bad: { staffId: 2, role: 'root' }, wrong: 'supervisor' },
  'staff.rename': { allowed: ['admin'], bad: { staffId: 2, name: '' }, wrong: 'teller' },
  'staff.retire': { allowed: ['admin'], bad: { staffId: 2 }, wrong: 'supervisor' },
  'settings.get': { allowed: 'any-user', bad: { key: 'unlock_repeat_days' } },
  'settings.update': { allowed: ['admin'], bad: { unlockRepeatDays: 0 }, wrong: 'supervisor' },
  'branches.list': { allowed: 'any-user', bad: { branchCode: '001' } },
  'customers.search': { allowed: ['teller', 'supervisor'], bad: { kana: '', accountNumber: '' }, wrong: 'admin' },
  'customers.get': { allowed: ['teller', 'supervisor'], bad: { customerId: -1 }, wrong: 'admin' },
  'requests.receiveNewApplication': { allowed: ['teller', 'supervisor'], bad: { customerId: 1, nameKana: '漢字' }, wrong: 'admin' },
  'requests.receiveSuspension': { allowed: ['teller', 'supervisor'], bad: { customerId: 1, reason: 'bored' }, wrong: 'admin' },
  'requests.receiveResumption': { allowed: ['teller', 'supervisor'], bad: { customerId: 1, sealMatched: false }, wrong: 'admin' },
  'requests.receiveCancellation': { allowed: ['teller', 'supervisor'], bad: { customerId: 'x' }, wrong: 'admin' },
  'requests.receiveRestrictionRelease': { allowed: ['teller', 'supervisor'], bad: { account: {} }, wrong: 'admin' },
  'requests.receiveUnlock': { allowed: ['teller', 'supervisor'], bad: { customerId: 1, verification: { idDocumentMatches: false } }, wrong: 'admin' },
  'requests.decideUnlock': {
    allowed: ['teller', 'supervisor'],
    bad: { requestId: 1, version: 1, supervisorLoginId: 'super1', supervisorPassword: '', decision: 'return' },
    wrong: 'admin',
  },
  'requests.get': { allowed: ['teller', 'supervisor', 'head_office'], bad: { requestId: 1.5 }, wrong: 'admin' },
  'requests.returnedToMe': { allowed: ['teller', 'supervisor'], bad: { staffId: 3 }, wrong: 'admin' },
  'requests.return': { allowed: ['supervisor'], bad: { requestId: 1, version: 1, reason: '' }, wrong: 'teller' },
  'requests.resubmit': { allowed: ['teller', 'supervisor'], bad: { requestId: 1, version: 1, form: { kind: 'unlock' } }, wrong: 'admin' },
  'requests.withdraw': { allowed: ['teller', 'supervisor'], bad: { requestId: 1, version: 0, reason: 'x' }, wrong: 'admin' },
  'requests.takeOver': { allowed: ['teller', 'supervisor'], bad: { requestId: 1, version: 0 }, wrong: 'admin' },
  'requests.myDay': { allowed: ['teller', 'supervisor'], bad: { staffId: 3 }, wrong: 'admin' },
  'refusals.recordUnlockFraud': { allowed: ['teller', 'supervisor'], bad: { customerId: 1, verification: { fraudSuspected: false } }, wrong: 'admin' },
  'journal.list': { allowed: ['supervisor', 'head_office'], bad: { businessDate: '2026-11-21', limit: 1000 }, wrong: 'teller' },
  'events.record': { allowed: ['teller', 'supervisor'], bad: { customerId: 1, customerVersion: 1, kind: 'exploded', occurredOn: '2026-13-01', source: 'x' }, wrong: 'admin' },
  'requests.pendingReview': { allowed: ['supervisor', 'head_office'], bad: { state: 'approved' }, wrong: 'teller' },
  'requests.approve': { allowed: ['supervisor'], bad: { requestId: 1 }, wrong: 'teller' },
  'forms.preview': { allowed: ['teller', 'supervisor', 'head_office'], bad: { form: 'customer_receipt', requestId: 1, markup: '<h1>x</h1>' }, wrong: 'admin' },
  'forms.print': { allowed: ['teller', 'supervisor'], bad: { form: 'customer_receipt', requestId: 1, path: '/etc/passwd' }, wrong: 'admin' },
  'forms.previewDailyJournal': { allowed: ['supervisor', 'head_office'], bad: { businessDate: 'yesterday' }, wrong: 'teller' },
  'forms.printDailyJournal': { allowed: ['supervisor'], bad: { businessDate: '2026-11-21', branchCode: '2' }, wrong: 'teller' },
  'backups.overview': { allowed: ['admin'], bad: { folder: '/etc' }, wrong: 'supervisor' },
  'backups.start': { allowed: ['admin'], bad: { out: '/tmp/elsewhere' }, wrong: 'teller' },
  'backups.restore': { allowed: ['admin'], bad: { name: '../../ledger.sqlite', password: '' }, wrong: 'teller' },
  'integrity.status': { allowed: ['supervisor', 'admin', 'head_office'], bad: { full: true }, wrong: 'teller' },
  'integrity.verify': { allowed: ['admin'], bad: { anchor: 'not-a-digest' }, wrong: 'teller' },
  'integrity.exportDigest': { allowed: ['admin'], bad: { path: '/tmp/digest.txt' }, wrong: 'supervisor' },
  'integrity.checkAnchor': { allowed: ['admin'], bad: { scanned: 'otp-ledger:1:12:not-a-hash' }, wrong: 'supervisor' },
  'imports.chooseFile': { allowed: ['admin'], bad: { path: '/etc/passwd' }, wrong: 'supervisor' },
  'imports.inspect': { allowed: ['admin'], bad: { stagingId: '../../ledger.sqlite', kind: 'customers' }, wrong: 'teller' },
  'imports.start': {
    allowed: ['admin'],
    bad: { stagingId: '00000000-0000-0000-0000-000000000000', kind: 'customers', mapping: {}, mode: 'now' },
    wrong: 'supervisor',
  },
  'imports.job': { allowed: ['admin'], bad: { jobId: 'x' }, wrong: 'teller' },
  'exports.requests': { allowed: ['supervisor', 'head_office'], bad: { from: '2026-11-30', to: '2026-11-01', encoding: 'cp932' }, wrong: 'teller' },
  'exports.journal': { allowed: ['supervisor', 'head_office'], bad: { businessDate: '2026-11-21', encoding: 'latin1' }, wrong: 'teller' },
  'exports.customers': { allowed: ['admin'], bad: { encoding: 'cp932', path: '/tmp/x.csv' }, wrong: 'supervisor' },
  'exports.figures': { allowed: ['supervisor', 'head_office'], bad: { from: 'x', to: '2026-11-01', encoding: 'cp932' }, wrong: 'teller' },
  'figures.summary': { allowed: ['supervisor', 'head_office'], bad: { from: '2026-01-01', to: '2026-12-31', branchCode: '1' }, wrong: 'teller' },
  'audit.search': { allowed: ['supervisor', 'admin', 'head_office'], bad: { from: '2026-11-01', to: '2026-11-30', outcome: 'maybe' }, wrong: 'teller' },
  'audit.entry': { allowed: ['supervisor', 'admin', 'head_office'], bad: { entryId: 'one' }, wrong: 'teller' },
  'exports.audit': { allowed: ['supervisor', 'admin', 'head_office'], bad: { from: '2026-11-01', to: '2026-11-30', encoding: 'latin1' }, wrong: 'teller' },
}

const LOGIN: Record<Who, string> = { teller: 'teller1', supervisor: 'super1', admin: 'admin1', head_office: 'honbu1' }
describe.each(ENGINES)('the contract, on the %s ledger', (engine) => {
  let app: EngineApp
  beforeAll(async () => {
    app = await createEngineApp(engine)
    for (const who of Object.keys(LOGIN) as Who[]) await app.loginAs(LOGIN[who], who)
  })
  afterAll(() => app.close())

  it('the table above covers exactly the contract', () => {
    expect(Object.keys(CASES).sort()).toEqual([...OPERATION_NAMES].sort())
    expect(Object.keys(contract).sort()).toEqual([...OPERATION_NAMES].sort())
  })

  it('refuses unknown operations without touching the ledger', async () => {
    const before = await app.snapshot()
    for (const op of ['db.exec', 'customers.delete', '__proto__', 'constructor', '', 42, null]) {
      const e = await app.err(op as string, {}, 'admin')
      expect(e.code).toBe('UNKNOWN_OPERATION')
      expect(e.message).toBe('不明な操作です。')
    }
    expect(await app.snapshot()).toBe(before)
  })

  for (const op of OPERATION_NAMES) {
    const c = CASES[op]
    const caller: Who | 'nobody' = c.allowed === 'public' ? 'nobody' : c.allowed === 'any-user' ? 'teller' : c.allowed[0]!

    it(`${op}: a bad payload is refused with a Japanese validation error and changes nothing`, async () => {
      const before = await app.snapshot()
      const e = await app.err(op, c.bad, caller)
      expect(e.code).toBe('VALIDATION_FAILED')
      expect(e.message).toMatch(/[ぁ-んァ-ン一-龯]/)
      expect(Object.keys(e.fields ?? {}).length).toBeGreaterThan(0)
      expect(await app.snapshot()).toBe(before)
    })

    if (c.wrong) {
      it(`${op}: the ${c.wrong} role is refused and nothing changes`, async () => {
        const before = await app.snapshot()
        // Even a payload that would be valid is refused before it is looked at.
        const e = await app.err(op, c.bad, c.wrong)
        expect(e.code).toBe('FORBIDDEN_ROLE')
        expect(await app.snapshot()).toBe(before)
      })
    }

    if (c.allowed !== 'public') {
      it(`${op}: without a session it is refused and nothing changes`, async () => {
        const before = await app.snapshot()
        expect((await app.err(op, c.bad, 'nobody')).code).toBe('NOT_AUTHENTICATED')
        expect(await app.snapshot()).toBe(before)
      })
    }
  }

  it('every role a case allows is the contract’s access list', () => {
    for (const op of OPERATION_NAMES) {
      const access = contract[op].access
      if (Array.isArray(CASES[op].allowed)) expect([...access].sort(), op).toEqual([...CASES[op].allowed].sort())
      else expect(access, op).toBe(CASES[op].allowed)
    }
  })

  it('takes the identity from the session, never from the payload', async () => {
    // A teller who claims to be a supervisor in the payload is still a teller.
    const e = await app.err('requests.pendingReview', { role: 'supervisor', staffId: 3 }, 'teller')
    expect(e.code).toBe('FORBIDDEN_ROLE')
  })
})
