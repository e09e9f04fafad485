// Terminal processes on one PostgreSQL ledger (issue 12), for tests/pg/terminals.test.ts and
// tests/bench/terminals-bench.ts: the ledger made ready for many terminals (staff and customers added
// through a journaled write, as the app role), the child processes (tests/pg/fixtures/terminal.ts)
// spawned and read line by line, and the checks of what they acknowledged against the ledger.
import { spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { eq } from 'drizzle-orm'
import type pg from 'pg'
import { openApp } from '../../electron/main/ledger'
import { hashPassword } from '../../electron/main/passwords'
import { branches, customers, staff } from '../../db/schema'
import { DEMO_PASSWORD } from '../../db/seed'
import { PG_LEDGER_TYPES } from '../../db/pg/ledger'
import { journalRowOf, pgTableShape, verifyPgChain } from '../../db/pg/journal'
import { givenKanaKey, givenNameKey, kanaSearchKey, searchFold } from '../../shared/normalize'
import { loginKeyOf } from '../../shared/staffId'
import type { CustomerRow } from './forms'
import type { TerminalConfig } from '../pg/fixtures/terminal'

export const TERMINAL_FIXTURE = path.join(__dirname, '..', 'pg', 'fixtures', 'terminal.ts')
/** The business day of every terminal in these tests: 10:00 in Japan. */
export const TERMINALS_NOW = '2026-11-21T01:00:00Z'

export interface PreparedLedger {
  tellers: string[]
  supervisors: string[]
  /** Customers of branch 001 in use, with no request: each one takes a cancellation or a suspension. */
  customers: CustomerRow[]
}

/**
 * The demo ledger (seeded by a first terminal started here) plus `tellers` and `supervisors` of
 * branch 001 (password DEMO_PASSWORD) and `customers` more customers in use, added in one write
 * transaction through the ledger as the application role: journaled like any other write.
 */
export async function prepareLedger(
  appUrl: string,
  owner: pg.Client,
  opts: { tellers: number; supervisors: number; customers: number },
): Promise<PreparedLedger> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'otp-terminals-prep-'))
  const ctx = await openApp({
    dataDir: dir,
    server: { url: appUrl },
    demo: true,
    transport: 'ipc',
    version: 'test',
    clock: () => new Date(TERMINALS_NOW),
    autoBackup: false,
    backgroundVerify: false,
  })
  const tellers = Array.from({ length: opts.tellers }, (_, i) => `tel${String(i + 1).padStart(2, '0')}`)
  const supervisors = Array.from({ length: opts.supervisors }, (_, i) => `sup${String(i + 1).padStart(2, '0')}`)
  try {
    const passwordHash = await hashPassword(DEMO_PASSWORD)
    const at = TERMINALS_NOW
    await ctx.ledger.write(
      async (tx) => {
        const branch = (await tx.select().from(branches).where(eq(branches.code, '001')).get())!
        for (const [list, role] of [[tellers, 'teller'], [supervisors, 'supervisor']] as const)
          for (const loginId of list)
            await tx.insert(staff).values({ loginId, loginKey: loginKeyOf(loginId), name: `試験 ${loginId}`, role, branchId: branch.id, passwordHash, createdAt: at }).run()
        for (let i = 0; i < opts.customers; i++) {
          const nameKanji = `試験 太郎${i}`
          const nameKana = 'シケン\u3000タロウ'
          await tx
            .insert(customers)
            .values({
              branchId: branch.id,
              nameKanji,
              nameKana,
              kanaKey: kanaSearchKey(nameKana),
              nameKey: searchFold(nameKanji),
              givenNameKey: givenNameKey(nameKanji),
              givenKanaKey: givenKanaKey(nameKana),
              birthDate: '1980-04-01',
              postalCode: '010-0001',
              address: '秋田県秋田市中通二丁目1-1',
              phone: `018-555-${String(i).padStart(4, '0')}`,
              accountBranchCode: '001',
              accountType: 'ordinary',
              accountNumber: String(9000000 + i),
              ibContractId: String(3000000000 + i),
              otpStatus: 'in_use',
              statusChangedAt: at,
              createdAt: at,
              updatedAt: at,
            })
            .run()
        }
      },
      { at, actorId: null, actorLoginId: 'system', action: 'test.prepareTerminals', outcome: 'ok' },
    )
  } finally {
    ctx.stopWatching?.()
    await ctx.ledger.close()
    fs.rmSync(dir, { recursive: true, force: true })
  }
  const rows = (
    await owner.query<CustomerRow & { id: string }>(
      `SELECT * FROM customers WHERE otp_status = 'in_use' AND id NOT IN (SELECT customer_id FROM otp_requests) ORDER BY id`,
    )
  ).rows.map((r) => ({ ...r, id: Number(r.id) }))
  return { tellers, supervisors, customers: rows }
}

export interface Line {
  what: string
  requestId?: number
  receiptNo?: string
  version?: number
  customerId?: number
  state?: string
  ms?: number
  code?: string
  op?: string
  codes?: Record<string, number>
  fourEyesProbes?: number
  staffId?: number
  message?: string
}
export interface Ack extends Line {
  what: 'receive' | 'return' | 'resubmit' | 'approve'
  requestId: number
  receiptNo: string
  version: number
  terminal: string
}

export interface Terminal {
  name: string
  proc: ChildProcess
  lines: Line[]
  stderr: string[]
  exit: Promise<number | null>
  send(word: 'go' | 'drain' | 'stop'): void
  /** Resolves with the first line (since `from`) that matches, or rejects after `ms` (or the process ending). */
  waitFor(pred: (l: Line) => boolean, ms: number, from?: number): Promise<Line>
  kill(signal?: NodeJS.Signals): void
}

const live = new Set<Terminal>()
let cleanupInstalled = false

/** Starts a terminal process. Its config goes through a temp file (customers make it large). */
export function startTerminal(name: string, cfg: Omit<TerminalConfig, 'now' | 'startedAt'> & Partial<TerminalConfig>): Terminal {
  // One folder for the config and the terminal's data folder, removed when the process ends (killed too).
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'otp-terminal-'))
  const file = path.join(dir, 'config.json')
  fs.writeFileSync(file, JSON.stringify({ now: TERMINALS_NOW, startedAt: Date.now(), dataDir: path.join(dir, 'data'), ...cfg }))
  const proc = spawn(process.execPath, ['--import', 'tsx', TERMINAL_FIXTURE, file], { stdio: ['pipe', 'pipe', 'pipe'] })
  const lines: Line[] = []
  const stderr: string[] = []
  const waiters = new Set<() => void>()
  let buf = ''
  proc.stdout!.setEncoding('utf8')
  proc.stdout!.on('data', (chunk: string) => {
    buf += chunk
    let nl: number
    while ((nl = buf.indexOf('\n')) >= 0) {
      const text = buf.slice(0, nl)
      buf = buf.slice(nl + 1)
      if (!text.trim()) continue
      try {
        lines.push(JSON.parse(text) as Line)
      } catch {
        stderr.push(`(stdout) ${text}`)
      }
    }
    for (const w of waiters) w()
  })
  proc.stderr!.setEncoding('utf8')
  proc.stderr!.on('data', (chunk: string) => stderr.push(chunk))
  proc.stdin!.on('error', () => {}) // a killed terminal's stdin
  const exit = new Promise<number | null>((resolve) =>
    proc.on('exit', (code) => {
      fs.rmSync(dir, { recursive: true, force: true })
      live.delete(t)
      for (const w of waiters) w()
      resolve(code)
    }),
  )
  const t: Terminal = {
    name,
    proc,
    lines,
    stderr,
    exit,
    send(word) {
      if (proc.exitCode === null && proc.signalCode === null) proc.stdin!.write(`${word}\n`)
    },
    waitFor(pred, ms, from = 0) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const hit = lines.slice(from).find(pred)
          if (hit) return done(() => resolve(hit))
          const fatal = lines.find((l) => l.what === 'fatal')
          if (fatal) return done(() => reject(new Error(`${name}: ${fatal.message}`)))
          if (proc.exitCode !== null || proc.signalCode !== null)
            return done(() => reject(new Error(`${name} ended (${proc.exitCode ?? proc.signalCode}) before the line awaited\n${stderr.join('').slice(-2000)}`)))
        }
        const timer = setTimeout(() => done(() => reject(new Error(`${name}: no such line within ${ms} ms\n${stderr.join('').slice(-2000)}`))), ms)
        const done = (f: () => void) => {
          clearTimeout(timer)
          waiters.delete(check)
          f()
        }
        waiters.add(check)
        check()
      })
    },
    kill(signal = 'SIGKILL') {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal)
    },
  }
  live.add(t)
  if (!cleanupInstalled) {
    cleanupInstalled = true
    process.once('exit', () => {
      for (const x of live) x.kill('SIGKILL')
    })
  }
  return t
}

/** Ends every terminal still running (SIGKILL) and waits for them. */
export async function killAll(): Promise<void> {
  const all = [...live]
  for (const t of all) t.kill('SIGKILL')
  await Promise.all(all.map((t) => t.exit))
}

export function acksOf(ts: readonly Terminal[]): Ack[] {
  return ts.flatMap((t) =>
    t.lines.filter((l): l is Ack => ['receive', 'return', 'resubmit', 'approve'].includes(l.what)).map((l) => ({ ...l, terminal: t.name })),
  )
}

/** Codes of the refusals and failures a set of terminals counted. */
export function codesOf(ts: readonly Terminal[]): Record<string, number> {
  const all: Record<string, number> = {}
  for (const t of ts)
    for (const l of t.lines)
      if (l.what === 'summary') for (const [k, v] of Object.entries(l.codes ?? {})) all[k] = (all[k] ?? 0) + v
  return all
}

const ACTIONS: Record<Ack['what'], string[]> = {
  receive: ['requests.receiveCancellation', 'requests.receiveSuspension'],
  return: ['requests.return'],
  resubmit: ['requests.resubmit'],
  approve: ['requests.approve'],
}
const OPEN = new Set(['pending_review', 'returned'])

/**
 * What the terminals acknowledged, checked against the ledger as its owner reads it. Returns the
 * problems found (none: an empty list).
 *  - every acknowledged step is there: its request, its receipt number, its audit row (ok);
 *  - no lost update: a request's acknowledged versions are distinct and none is beyond its version
 *    now; `exact`: they are exactly 1..version (every committed step was acknowledged: nothing failed);
 *    and its version is 1 + its committed return/resubmit/approve audit rows;
 *  - the day's 受付番号 of the branch are 1..N, no duplicate, no gap, and the counter says N;
 *  - four-eyes: no approval by the request's receiver (the row and the history);
 *  - one open request per customer, now and at every point of the journal;
 *  - the journal: the chain verifies, no entry unattributed, no note left pending, and every row of
 *    the business tables is as its latest journal entry says (no committed row without its entry).
 */
export async function ledgerProblems(owner: pg.Client, acks: readonly Ack[], opts: { exact: boolean; businessDate?: string }): Promise<string[]> {
  const problems: string[] = []
  const date = (opts.businessDate ?? '2026-11-21').replace(/-/g, '')
  const q = async <T>(text: string, values: unknown[] = []) => (await owner.query({ text, values, types: PG_LEDGER_TYPES })).rows as T[]

  const requests = await q<{ id: number; receipt_no: string; version: number; state: string; customer_id: number; received_by: number; reviewed_by: number | null; taken_over_by: number | null; branch_code: string; business_date: string }>(
    `SELECT r.*, b.code AS branch_code FROM otp_requests r JOIN branches b ON b.id = r.branch_id`,
  )
  const byId = new Map(requests.map((r) => [r.id, r]))
  const audits = await q<{ request_id: number; action: string; n: number }>(
    `SELECT request_id, action, count(*)::int AS n FROM audit_log WHERE outcome = 'ok' AND request_id IS NOT NULL GROUP BY request_id, action`,
  )
  const auditCount = (id: number, actions: string[]) => audits.filter((a) => a.request_id === id && actions.includes(a.action)).reduce((n, a) => n + a.n, 0)

  // Every acknowledged step is in the ledger.
  const ackCount = new Map<string, number>()
  const seenReceipts = new Set<string>()
  for (const a of acks) {
    const r = byId.get(a.requestId)
    if (!r) {
      problems.push(`acknowledged ${a.what} of request ${a.requestId} (${a.receiptNo}, ${a.terminal}) is not in the ledger`)
      continue
    }
    if (r.receipt_no !== a.receiptNo) problems.push(`request ${a.requestId}: acknowledged as ${a.receiptNo}, the ledger has ${r.receipt_no}`)
    if (a.version > r.version) problems.push(`request ${a.requestId}: version ${a.version} acknowledged, the ledger is at ${r.version}`)
    if (a.what === 'receive') {
      if (seenReceipts.has(a.receiptNo)) problems.push(`receipt ${a.receiptNo} acknowledged twice`)
      seenReceipts.add(a.receiptNo)
    }
    const k = `${a.requestId}\u0000${a.what}`
    ackCount.set(k, (ackCount.get(k) ?? 0) + 1)
  }
  for (const [k, n] of ackCount) {
    const [id, what] = k.split('\u0000') as [string, Ack['what']]
    const inLedger = auditCount(Number(id), ACTIONS[what])
    if (inLedger < n || (opts.exact && inLedger !== n)) problems.push(`request ${id}: ${n} ${what} acknowledged, ${inLedger} in the audit log`)
  }

  // No lost update.
  const versionsOf = new Map<number, number[]>()
  for (const a of acks) {
    let l = versionsOf.get(a.requestId)
    if (!l) versionsOf.set(a.requestId, (l = []))
    l.push(a.version)
  }
  for (const [id, vs] of versionsOf) {
    const r = byId.get(id)
    if (!r) continue
    if (new Set(vs).size !== vs.length) problems.push(`request ${id}: one version acknowledged twice (${vs.join(',')})`)
    if (opts.exact) {
      const sorted = [...vs].sort((a, b) => a - b)
      const want = Array.from({ length: r.version }, (_, i) => i + 1)
      if (sorted.join(',') !== want.join(',')) problems.push(`request ${id}: versions acknowledged ${sorted.join(',')}, the ledger is at ${r.version}`)
    }
  }
  for (const r of requests) {
    const steps = auditCount(r.id, [...ACTIONS.return, ...ACTIONS.resubmit, ...ACTIONS.approve, 'requests.withdraw', 'requests.takeOver', 'requests.supersede', 'requests.decideUnlock'])
    if (r.version !== 1 + steps) problems.push(`request ${r.id}: version ${r.version} but ${steps} changes audited`)
  }

  // The day's receipt numbers per branch: 1..N.
  const byBranch = new Map<string, number[]>()
  for (const r of requests) {
    const m = /^(\d{3})-(\d{8})-(\d{4})$/.exec(r.receipt_no)
    if (!m) {
      problems.push(`receipt number ${r.receipt_no} is malformed`)
      continue
    }
    if (m[2] !== date) continue
    let l = byBranch.get(m[1]!)
    if (!l) byBranch.set(m[1]!, (l = []))
    l.push(Number(m[3]))
  }
  const counters = await q<{ branch_code: string; last_seq: number }>(`SELECT branch_code, last_seq FROM receipt_counters WHERE business_date = $1`, [opts.businessDate ?? '2026-11-21'])
  for (const [branch, seqs] of byBranch) {
    const sorted = [...seqs].sort((a, b) => a - b)
    const gaps = sorted.filter((s, i) => s !== i + 1)
    if (gaps.length) problems.push(`branch ${branch}: receipt numbers are not 1..${sorted.length} (first off: ${gaps[0]})`)
    const counter = counters.find((c) => c.branch_code === branch)?.last_seq
    if (counter !== sorted.length) problems.push(`branch ${branch}: ${sorted.length} receipts, the counter says ${counter}`)
  }

  // Four-eyes.
  for (const r of requests)
    if (r.state === 'approved' && (r.reviewed_by === r.received_by || (r.taken_over_by !== null && r.reviewed_by === r.taken_over_by)))
      problems.push(`request ${r.id} was approved by its receiver`)
  const selfHistory = await q<{ n: number }>(
    `SELECT count(*)::int AS n FROM otp_history h JOIN otp_requests r ON r.id = h.request_id WHERE h.kind = 'request_approved' AND h.actor_id = r.received_by`,
  )
  if (selfHistory[0]!.n) problems.push(`${selfHistory[0]!.n} approvals in the history by the request's receiver`)

  // One open request per customer: now, and at every journal entry.
  const openNow = new Map<number, number>()
  for (const r of requests) if (OPEN.has(r.state)) openNow.set(r.customer_id, (openNow.get(r.customer_id) ?? 0) + 1)
  for (const [c, n] of openNow) if (n > 1) problems.push(`customer ${c} has ${n} open requests`)
  const shape = await pgTableShape(owner, 'otp_requests')
  const stateAt = shape.columns.indexOf('state')
  const customerAt = shape.columns.indexOf('customer_id')
  const states = await q<{ entry_id: number; row_key: string; row_json: string | null }>(
    `SELECT entry_id, row_key, row_json FROM ledger_journal_rows WHERE tbl = 'otp_requests' ORDER BY entry_id, seq`,
  )
  const openOf = new Map<number, Set<string>>() // customer → open request keys, walking the journal
  const customerOfKey = new Map<string, number>()
  for (const s of states) {
    const v = s.row_json === null ? null : (JSON.parse(s.row_json) as unknown[])
    const prevCustomer = customerOfKey.get(s.row_key)
    if (prevCustomer !== undefined) openOf.get(prevCustomer)?.delete(s.row_key)
    if (!v) continue
    const customer = Number(v[customerAt])
    customerOfKey.set(s.row_key, customer)
    if (OPEN.has(String(v[stateAt]))) {
      let set = openOf.get(customer)
      if (!set) openOf.set(customer, (set = new Set()))
      set.add(s.row_key)
      if (set.size > 1) problems.push(`journal entry ${s.entry_id}: customer ${customer} has open requests ${[...set].join(', ')}`)
    }
  }

  // The journal.
  const chain = await verifyPgChain(owner)
  if (chain.break) problems.push(`the journal does not verify: ${JSON.stringify(chain.break)}`)
  const unattributed = await q<{ n: number }>(`SELECT count(*)::int AS n FROM ledger_journal WHERE action = 'ledger.unattributed'`)
  if (unattributed[0]!.n) problems.push(`${unattributed[0]!.n} unattributed journal entries`)
  const pendingNotes = await q<{ n: number }>(`SELECT count(*)::int AS n FROM ledger_pending`)
  if (pendingNotes[0]!.n) problems.push(`${pendingNotes[0]!.n} capture notes left in ledger_pending`)
  const empty = await q<{ id: number }>(`SELECT id FROM ledger_journal j WHERE NOT EXISTS (SELECT 1 FROM ledger_journal_rows r WHERE r.entry_id = j.id)`)
  if (empty.length) problems.push(`journal entries without rows: ${empty.map((e) => e.id).join(', ')}`)
  for (const table of ['otp_requests', 'otp_request_versions', 'otp_history', 'customers', 'receipt_counters', 'request_submissions', 'audit_log', 'staff']) {
    const sh = await pgTableShape(owner, table)
    const latest = new Map(
      (
        await q<{ row_key: string; row_json: string | null }>(
          `SELECT DISTINCT ON (row_key) row_key, row_json FROM ledger_journal_rows WHERE tbl = $1 ORDER BY row_key, entry_id DESC`,
          [table],
        )
      ).map((r) => [r.row_key, r.row_json]),
    )
    const rows = (await owner.query({ text: `SELECT ${sh.columns.map((c) => `"${c}"`).join(', ')} FROM "${table}"`, types: PG_LEDGER_TYPES, rowMode: 'array' })).rows as unknown[][]
    let off = 0
    for (const row of rows) {
      const jr = journalRowOf(sh, row)
      if (latest.get(jr.rowKey) !== jr.rowJson) off++
      latest.delete(jr.rowKey)
    }
    const ghosts = [...latest.values()].filter((v) => v !== null).length
    if (off) problems.push(`${table}: ${off} rows not as their latest journal entry says (committed without their entry?)`)
    if (ghosts) problems.push(`${table}: ${ghosts} rows in the journal that the table does not have`)
  }
  return problems
}
