// Two app instances on ONE ledger file (issue 12, the SQLite case): each is a full context with its
// own connection, as two processes on a shared folder would be. A change committed through B
// reaches A's screens within a second as the same "ledger changed" events A's own services emit
// (A polls PRAGMA data_version and reads what changed from the journal), and a lockout, a password
// reset or a role change made through B ends the staff member's session in A before A's next command.
import fs from 'node:fs'
import { afterEach, describe, expect, it } from 'vitest'
import type { LedgerChangedEvent } from '../../shared/operations'
import { DEMO_PASSWORD } from '../../db/seed'
import { createTestApp, type TestApp } from '../helpers/app'
import { addCustomers } from '../helpers/ledgerFiles'
import { customerRow, customersIn, suspensionForm } from '../helpers/forms'

let opened: TestApp[] = []
afterEach(() => {
  for (const a of opened) if (a.ctx.sqlite.open) a.close()
  if (opened[0]) fs.rmSync(opened[0].dir, { recursive: true, force: true })
  opened = []
})

async function twoInstances(): Promise<{ a: TestApp; b: TestApp }> {
  const a = await createTestApp()
  const b = await createTestApp({ dir: a.dir })
  opened = [a, b]
  return { a, b }
}

function recorder(app: TestApp) {
  const seen: { e: LedgerChangedEvent; at: number }[] = []
  app.ctx.events.on('changed', (e) => seen.push({ e, at: performance.now() }))
  return {
    seen,
    /** Resolves with the first event matching `pred` (waiting up to `ms`), or null. */
    async waitFor(pred: (e: LedgerChangedEvent) => boolean, ms = 1000): Promise<{ e: LedgerChangedEvent; at: number } | null> {
      const end = performance.now() + ms
      for (;;) {
        const hit = seen.find((s) => pred(s.e))
        if (hit || performance.now() > end) return hit ?? null
        await new Promise((r) => setTimeout(r, 20))
      }
    },
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

describe('a change made by the other instance reaches this one within a second', () => {
  it('a reception, a 検印 and an event through B are announced in A, naming the customer and the request', async () => {
    const { a, b } = await twoInstances()
    const first = (b.ctx.sqlite.prepare('SELECT max(id) AS n FROM customers').get() as { n: number }).n + 1
    const before = recorder(a)
    addCustomers(b.ctx.sqlite, 1)
    expect(await before.waitFor((e) => e.kind === 'customers_imported')).not.toBeNull()
    const inA = recorder(a)
    await b.loginAs('teller1', 't')
    await b.loginAs('super1', 's')
    await sleep(400)
    expect(inA.seen.map((s) => s.e.kind)).toEqual(['staff_changed']) // B's logins (their time, the count)

    const t0 = performance.now()
    const r = await b.ok('requests.receiveSuspension', suspensionForm(customerRow(b.ctx, first)), 't')
    const received = await inA.waitFor((e) => e.kind === 'request_received' && e.requestId === r.id)
    expect(received?.e).toEqual({ kind: 'request_received', customerId: first, requestId: r.id })
    expect(received!.at - t0).toBeLessThan(1000)
    // A's queue, read after the event, holds the request B received.
    await a.loginAs('super2', 'a-s')
    expect((await a.ok('requests.pendingReview', {}, 'a-s')).items.map((x) => x.id)).toContain(r.id)

    const t1 = performance.now()
    await b.ok('requests.approve', { requestId: r.id, version: r.version }, 's')
    const approved = await inA.waitFor((e) => e.kind === 'request_approved' && e.requestId === r.id)
    expect(approved?.e).toEqual({ kind: 'request_approved', customerId: first, requestId: r.id })
    expect(approved!.at - t1).toBeLessThan(1000)
    // An event recorded through B (閉塞, from the centre): A's customer screen of that customer reloads.
    const c = customersIn(b.ctx, 'in_use')[0]!
    await b.ok('events.record', { customerId: c.id, customerVersion: c.version, kind: 'blocked', occurredOn: '2026-11-21', source: 'centre' }, 't')
    expect((await inA.waitFor((e) => e.kind === 'event_recorded'))?.e).toEqual({ kind: 'event_recorded', customerId: c.id })
    // Each change is announced once, and A's own reads announced nothing.
    expect(inA.seen.filter((s) => s.e.requestId === r.id).map((s) => s.e.kind)).toEqual(['request_received', 'request_approved'])
  })

  it('customers written through B without history (an import) are named; a large batch makes every screen reload', async () => {
    const { a, b } = await twoInstances()
    const first = (b.ctx.sqlite.prepare('SELECT max(id) AS n FROM customers').get() as { n: number }).n + 1
    const inA = recorder(a)
    addCustomers(b.ctx.sqlite, 3)
    await inA.waitFor((e) => e.customerId === first + 2)
    expect(inA.seen.map((s) => s.e)).toEqual([0, 1, 2].map((i) => ({ kind: 'customers_imported', customerId: first + i })))
    addCustomers(b.ctx.sqlite, 25, 1, 100)
    expect((await inA.waitFor((e) => e.kind === 'ledger_changed'))?.e).toEqual({ kind: 'ledger_changed' })
  })

  it("A's own writes are announced once (by its service), not again by the watch", async () => {
    const { a, b } = await twoInstances()
    const first = (a.ctx.sqlite.prepare('SELECT max(id) AS n FROM customers').get() as { n: number }).n + 1
    addCustomers(a.ctx.sqlite, 1)
    await a.loginAs('teller1', 't')
    await sleep(400) // B has heard of the login (a staff row)
    const inA = recorder(a)
    const inB = recorder(b)
    const r = await a.ok('requests.receiveSuspension', suspensionForm(customerRow(a.ctx, first)), 't')
    await sleep(900)
    expect(inA.seen.map((s) => s.e)).toEqual([{ kind: 'request_received', customerId: first, requestId: r.id }])
    expect(inB.seen.map((s) => s.e)).toEqual([{ kind: 'request_received', customerId: first, requestId: r.id }])
  })

  it('a staff change through B is announced in A; after A closes, its watch stops', async () => {
    const { a, b } = await twoInstances()
    await b.loginAs('admin1', 'adm')
    const inA = recorder(a)
    await b.ok('staff.create', { loginId: 'teller7', name: '窓口 七子', role: 'teller', password: 'password-2026x' }, 'adm')
    expect(await inA.waitFor((e) => e.kind === 'staff_changed')).not.toBeNull()

    a.close()
    const before = inA.seen.length
    await b.ok('staff.create', { loginId: 'teller8', name: '窓口 八子', role: 'teller', password: 'password-2026y' }, 'adm')
    await sleep(800)
    expect(inA.seen.length).toBe(before)
  })
})

describe('a change of staff made through the other instance ends the session here before the next command', () => {
  it('a password reset, a lockout and a role change through B', async () => {
    const { a, b } = await twoInstances()
    await a.loginAs('teller1', 'counter1')
    await a.loginAs('teller2', 'counter2')
    await a.loginAs('super2', 'super2')
    await b.loginAs('admin1', 'adm')
    const idOf = (loginId: string) => (a.ctx.sqlite.prepare('SELECT id FROM staff WHERE login_id = ?').get(loginId) as { id: number }).id
    for (const key of ['counter1', 'counter2', 'super2']) await a.ok('settings.get', {}, key)

    // 1. Reset through B: teller1's next command in A is refused, at once (no poll needed).
    await b.ok('staff.resetPassword', { staffId: idOf('teller1'), password: 'reset-pass-2026' }, 'adm')
    expect((await a.err('customers.search', { kana: 'タナカ' }, 'counter1')).code).toBe('NOT_AUTHENTICATED')

    // 2. Lockout through B (five wrong passwords at B's login screen): teller2's session in A ends.
    for (let i = 0; i < 5; i++) await b.raw('auth.login', { loginId: 'teller2', password: 'wrong-password' }, 'x')
    expect(a.ctx.sqlite.prepare('SELECT locked_at FROM staff WHERE id = ?').pluck().get(idOf('teller2'))).not.toBeNull()
    expect((await a.err('customers.search', { kana: 'タナカ' }, 'counter2')).code).toBe('NOT_AUTHENTICATED')

    // 3. Role change through B (supervisor to teller): super2 can no longer open the 検印 queue in A.
    await b.ok('staff.changeRole', { staffId: idOf('super2'), role: 'teller' }, 'adm')
    expect((await a.err('requests.pendingReview', {}, 'super2')).code).toBe('NOT_AUTHENTICATED')
    // ... and logs in again in A with the new role.
    expect((await a.ok('auth.login', { loginId: 'super2', password: DEMO_PASSWORD }, 'super2')).role).toBe('teller')
  })
})
