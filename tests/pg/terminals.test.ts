// Terminals as real OS processes on one PostgreSQL ledger (issue 12): each child
// (fixtures/terminal.ts) opens its own terminal with openApp on the server as the application role,
// logs in and drives the dispatcher, printing a line per step the dispatcher acknowledged.
//  - ten terminals receive, return, resubmit and approve at once: every acknowledged step is in the
//    ledger, the day's 受付番号 are 1..N, no update lost, four-eyes holds, one open request per
//    customer (now and at every journal entry), the journal verifies and matches every row;
//  - a terminal killed with SIGKILL in the middle of a write transaction leaves nothing of it, and
//    the journal's lock is free for the next terminal within seconds (the server sees the socket close);
//  - the server restarted during a burst (a cluster of this test's own): the steps in flight fail with
//    a ledger code, every acknowledged step is there, and the terminals carry on by themselves.
import { afterEach, describe, expect, it } from 'vitest'
import type pg from 'pg'
import { startCluster } from '../../scripts/pg-cluster.mjs'
import { createServerLedger } from '../helpers/serverApp'
import type { TestLedger } from '../helpers/pg'
import { acksOf, codesOf, killAll, ledgerProblems, prepareLedger, startTerminal, type Terminal } from '../helpers/terminals'

const cleanups: (() => Promise<void> | void)[] = []
afterEach(async () => {
  await killAll()
  for (const c of cleanups.splice(0).reverse()) await c()
})

async function ledgerOn(base?: string): Promise<{ ledger: TestLedger; owner: pg.Client }> {
  const ledger = await createServerLedger(base)
  cleanups.push(() => ledger.drop())
  const owner = await ledger.owner()
  owner.on('error', () => {}) // a restarted server ends it; the test reconnects
  return { ledger, owner }
}

const openCount = async (owner: pg.Client) =>
  (await owner.query<{ n: number }>(`SELECT count(*)::int AS n FROM otp_requests WHERE state IN ('pending_review', 'returned')`)).rows[0]!.n

/** Drain (no more receptions or returns), wait for the queue to empty (or `ms`), stop, wait for the exits. */
async function finish(ts: Terminal[], owner: pg.Client, ms: number): Promise<void> {
  for (const t of ts) t.send('drain')
  const until = Date.now() + ms
  while (Date.now() < until && (await openCount(owner)) > 0) await new Promise((r) => setTimeout(r, 250))
  for (const t of ts) t.send('stop')
  const codes = await Promise.all(ts.map((t) => t.exit))
  expect(codes, ts.map((t) => `${t.name}: ${t.stderr.join('').slice(-1500)}`).join('\n')).toEqual(ts.map(() => 0))
}

const unexpected = (ts: Terminal[], allowed: string[] = []) =>
  ts.flatMap((t) => t.lines.filter((l) => l.what === 'error' && !allowed.includes(l.code!)).map((l) => `${t.name} ${l.op}: ${l.code} ${l.message}`))

describe('terminal processes on one PostgreSQL ledger', () => {
  it('ten terminals receive, return, resubmit and approve at once: nothing lost, duplicated or skipped; four-eyes holds', async () => {
    const { ledger, owner } = await ledgerOn()
    const prep = await prepareLedger(ledger.appUrl, owner, { tellers: 6, supervisors: 4, customers: 60 })
    const ts = [
      ...prep.tellers.map((loginId) => startTerminal(loginId, { url: ledger.appUrl, mode: 'burst', loginId, customers: prep.customers, receptions: 10 })),
      ...prep.supervisors.map((loginId) =>
        startTerminal(loginId, { url: ledger.appUrl, mode: 'burst', loginId, customers: prep.customers, receptions: 4, returnRate: 0.35 }),
      ),
    ]
    // Every terminal opened and logged in first: the burst starts at once on all ten.
    await Promise.all(ts.map((t) => t.waitFor((l) => l.what === 'ready', 180_000)))
    for (const t of ts) t.send('go')
    await Promise.all(ts.map((t) => t.waitFor((l) => l.what === 'done', 240_000)))
    await finish(ts, owner, 90_000)

    const acks = acksOf(ts)
    const count = (what: string) => acks.filter((a) => a.what === what).length
    const codes = codesOf(ts)
    console.log(
      `ten terminals: ${count('receive')} receptions, ${count('return')} returns, ${count('resubmit')} resubmissions, ${count('approve')} approvals acknowledged; refused: ${JSON.stringify(codes)}`,
    )
    expect(unexpected(ts)).toEqual([])
    expect(count('receive')).toBeGreaterThan(15)
    expect(count('return')).toBeGreaterThan(0)
    expect(count('resubmit')).toBeGreaterThan(0)
    expect(count('approve')).toBeGreaterThan(0)
    // Four-eyes across terminals: each supervisor's own reception, approved by itself at once, refused.
    const probes = ts.flatMap((t) => t.lines).reduce((n, l) => n + (l.what === 'summary' ? (l.fourEyesProbes ?? 0) : 0), 0)
    console.log(`four-eyes probes (a supervisor approving its own reception): ${probes}`)
    expect(probes).toBeGreaterThan(0)
    expect(codes.SELF_APPROVAL ?? 0).toBeGreaterThanOrEqual(probes)
    // Several tellers took the same customers: the second one was refused, in the database's order.
    expect(await ledgerProblems(owner, acks, { exact: true })).toEqual([])
    // The drain approved everything: every request ends approved, once.
    expect(await openCount(owner)).toBe(0)
    expect(count('approve')).toBe(count('receive'))
    // One journal entry per committed write transaction, counted from the terminals' side: the two
    // set-up writes (the demo seed; the extra staff and customers), two per login (the attempt
    // reserved, then granted and audited), every acknowledged step and every refused command (audited
    // in a transaction of its own). Each audited one is headed by its own audit row, none shared.
    const refused = Object.values(codes).reduce((n, k) => n + k, 0)
    const audited = ts.length + acks.length + refused
    const journal = (
      await owner.query(
        `SELECT count(*)::int AS entries, count(audit_id)::int AS headed, count(DISTINCT audit_id)::int AS distinct_heads,
                (SELECT count(*)::int FROM audit_log) AS audit_rows FROM ledger_journal`,
      )
    ).rows[0]
    expect(journal).toEqual({ entries: 2 + ts.length + audited, headed: audited, distinct_heads: audited, audit_rows: audited })

    // The checks bite: a version acknowledged but not in the ledger, and a row changed behind the journal.
    const a = acks.find((x) => x.what === 'approve')!
    expect(await ledgerProblems(owner, [...acks, { ...a, what: 'return', version: a.version + 1 }], { exact: true })).not.toEqual([])
    await owner.query(`UPDATE otp_requests SET return_reason = 'behind the journal' WHERE id = $1`, [a.requestId])
    expect((await ledgerProblems(owner, acks, { exact: true })).join('\n')).toMatch(/otp_requests: 1 rows not as their latest journal entry says/)
  }, 600_000)

  for (const mode of ['hold', 'hold-commit'] as const)
    it(`a terminal killed with SIGKILL ${mode === 'hold' ? 'in the middle of a write transaction' : 'just before COMMIT (journal entry appended, NOTIFY sent)'} leaves nothing of it; the next terminal writes within seconds`, async () => {
      const { ledger, owner } = await ledgerOn()
      const prep = await prepareLedger(ledger.appUrl, owner, { tellers: 2, supervisors: 0, customers: 2 })
      const c = prep.customers[0]!
      const head = async () => (await owner.query<{ id: string | null }>('SELECT max(id) AS id FROM ledger_journal')).rows[0]!.id
      const before = await owner.query('SELECT * FROM customers WHERE id = $1', [c.id])

      const holder = startTerminal('holder', { url: ledger.appUrl, mode, loginId: prep.tellers[0]!, customers: [c], receptions: 1 })
      // The next terminal is open and logged in before the kill: what is timed is the lock, not a start.
      const next = startTerminal('next', { url: ledger.appUrl, mode: 'bench', loginId: prep.tellers[1]!, customers: [c], receptions: 1 })
      await Promise.all([holder, next].map((t) => t.waitFor((l) => l.what === 'ready', 180_000)))
      const headBefore = await head()
      holder.send('go')
      const held = await holder.waitFor((l) => l.what === 'holding', 60_000)
      // The write is open and holds the journal's lock: the next terminal's reception waits on it.
      const locks = await owner.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND granted`)
      expect(locks.rows[0]!.n).toBe(1)
      next.send('go')
      await new Promise((r) => setTimeout(r, 1500))
      expect(next.lines.filter((l) => l.what === 'receive')).toEqual([])
      expect(await head()).toBe(headBefore)

      holder.kill('SIGKILL')
      expect(await holder.exit).toBeNull()
      const killedAt = performance.now()
      const ack = await next.waitFor((l) => l.what === 'receive', 60_000)
      const waited = performance.now() - killedAt
      console.log(`${mode}: the waiting terminal's reception was acknowledged ${Math.round(waited)} ms after the kill (${held.receiptNo ?? 'no receipt'} held)`)
      // Well within the server's idle-in-transaction timeout (30 s): the server saw the socket close.
      expect(waited).toBeLessThan(15_000)
      expect(await next.exit).toBe(0)

      // Nothing of the killed transaction: one journal entry since (the next reception), one request
      // (the next terminal's, with the receipt number the killed one had held: no gap), the customer
      // otherwise as before, no audit row of the killed terminal's write.
      const entries = (await owner.query(`SELECT action, actor_login_id FROM ledger_journal WHERE id > $1 ORDER BY id`, [headBefore])).rows
      expect(entries).toEqual([{ action: 'requests.receiveCancellation', actor_login_id: prep.tellers[1] }])
      const requests = (await owner.query(`SELECT r.receipt_no, s.login_id FROM otp_requests r JOIN staff s ON s.id = r.received_by`)).rows
      expect(requests).toEqual([{ receipt_no: '001-20261121-0001', login_id: prep.tellers[1] }])
      expect(ack.receiptNo).toBe('001-20261121-0001')
      if (held.receiptNo) expect(held.receiptNo).toBe(ack.receiptNo)
      const after = (await owner.query('SELECT * FROM customers WHERE id = $1', [c.id])).rows[0]
      expect({ phone: after.phone, updated_at: after.updated_at }).toEqual({ phone: before.rows[0].phone, updated_at: before.rows[0].updated_at })
      expect((await owner.query(`SELECT count(*)::int AS n FROM audit_log WHERE actor_login_id = $1 AND action NOT LIKE 'auth.%'`, [prep.tellers[0]])).rows[0].n).toBe(0)
      expect(await ledgerProblems(owner, acksOf([next]), { exact: true })).toEqual([])
    }, 300_000)

  it('the server restarted during a burst: the steps in flight fail with a ledger code, every acknowledged one is there, the terminals carry on', async () => {
    const cluster = startCluster()
    cleanups.push(() => cluster.stop())
    const { ledger, owner: firstOwner } = await ledgerOn(cluster.url)
    const prep = await prepareLedger(ledger.appUrl, firstOwner, { tellers: 2, supervisors: 1, customers: 300 })
    const ts = [
      ...prep.tellers.map((loginId) => startTerminal(loginId, { url: ledger.appUrl, mode: 'burst', loginId, customers: prep.customers, receptions: 1000 })),
      startTerminal(prep.supervisors[0]!, { url: ledger.appUrl, mode: 'burst', loginId: prep.supervisors[0]!, customers: prep.customers, receptions: 0, returnRate: 0.3 }),
    ]
    await Promise.all(ts.map((t) => t.waitFor((l) => l.what === 'ready', 180_000)))
    for (const t of ts) t.send('go')
    // The burst is under way on every terminal.
    await Promise.all(ts.map((t) => t.waitFor((l) => ['receive', 'approve', 'return'].includes(l.what), 120_000)))
    await new Promise((r) => setTimeout(r, 500))

    const marks = ts.map((t) => t.lines.length)
    cluster.restart()
    // Each terminal, not restarted, makes new steps on the restarted server.
    await Promise.all(
      ts.map((t, i) => t.waitFor((l) => ['receive', 'approve', 'return', 'resubmit'].includes(l.what), 120_000, marks[i])),
    )
    // The owner's connection of before the restart is gone too: a new one.
    const owner = await ledger.owner()
    owner.on('error', () => {})
    await finish(ts, owner, 60_000)

    const errors = ts.flatMap((t) => t.lines.filter((l) => l.what === 'error').map((l) => `${l.op}: ${l.code}`))
    const seen = [...new Set(ts.flatMap((t) => t.lines.filter((l) => l.what === 'error').map((l) => l.code!)))]
    console.log(`restart: ${acksOf(ts).length} steps acknowledged; the terminals saw ${errors.length} failures: ${JSON.stringify(codesOf(ts))}; ${errors.slice(0, 20).join(' | ')}`)
    // The steps in flight failed with a ledger code, never as INTERNAL or anything else.
    expect(seen.filter((c) => c !== 'LEDGER_UNREACHABLE' && c !== 'LEDGER_COMMIT_UNKNOWN')).toEqual([])
    expect(await ledgerProblems(owner, acksOf(ts), { exact: false })).toEqual([])
  }, 600_000)
})
