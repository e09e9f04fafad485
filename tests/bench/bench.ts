// The counter at the size of a real credit union: every operation a screen calls, through the
// project's own in-process dispatcher, side by side with hand-written better-sqlite3 statements that
// return the same rows on the same connection (the floor), in one interleaved loop (and each read
// again on its own, warm). Not a test: run it and read the table.
//
//   npm run bench                                  # 10k, 100k and 1M customers
//   npm run bench -- --sizes=10k,100k [--iterations=200] [--budget=15] [--skip=op,op] [--label=after] [--cache=dir]
//
// Ledgers are generated once (tests/bench/ledger.ts) and cached under .bench/ by generator version;
// every run works on a fresh copy. The machine is noisy: the ratios of one run are the figure,
// absolute times only indicative. `--budget` caps the seconds of project time spent on one
// operation (at least 3 samples are taken); `--skip` leaves out operations (e.g. one too slow to
// measure at all on old code).
/* eslint-disable @typescript-eslint/no-explicit-any -- a bench script: rows of hand-written SQL and dispatch results are compared loosely */
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { TDocumentDefinitions } from 'pdfmake/interfaces'
import Database from 'better-sqlite3'
import pino from 'pino'
import { DEMO_PASSWORD } from '../../db/seed'
import { embeddedContext, type EmbeddedAppContext } from '../../electron/main/context'
import { dispatch } from '../../electron/main/dispatcher'
import { LEDGER_FILE, openApp } from '../../electron/main/ledger'
import { verifyPassword } from '../../electron/main/passwords'
import { journalTarget, requestTarget } from '../../electron/main/services/forms'
import { dayRefusals } from '../../electron/main/services/journal'
import { ledgerTransaction } from '../../db/journal'
import { renderPdf } from '../../forms/render'
import { REQUEST_PAGE_DEFAULT } from '../../shared/schemas'
import type { SessionUser } from '../../shared/types'
import { baseForm, type CustomerRow } from '../helpers/forms'
import { quantile } from './quantile'
import { BENCH_NOW, BENCH_TODAY, cachedLedger } from './ledger'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')

// ---- arguments ------------------------------------------------------------------------------------

const arg = (name: string, fallback: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback
const parseSize = (s: string) => Math.round(Number(s.replace(/[kKmM]$/, '')) * (/[mM]$/.test(s) ? 1e6 : /[kK]$/.test(s) ? 1e3 : 1))
const SIZES = arg('sizes', '10k,100k,1M').split(',').map(parseSize)
const ITERATIONS = Number(arg('iterations', '200'))
const BUDGET_MS = Number(arg('budget', '15')) * 1000
const SKIP = new Set(arg('skip', '').split(',').filter(Boolean))
const LABEL = arg('label', 'run')
/** Untimed calls of each side before a read's warm figures. */
const WARM_UP = 20
/** Print the SQL each side executes for one call of every operation (to check a floor does the
 * service's work), then stop. */
const TRACE = process.argv.includes('--trace')
/** Where generated ledgers are kept (one folder per size and generator version). */
const cacheRoot = path.resolve(arg('cache', path.join(root, '.bench')))

// ---- helpers --------------------------------------------------------------------------------------

const nowUs = () => Number(process.hrtime.bigint()) / 1000

function fmt(us: number): string {
  if (us >= 1e6) return `${(us / 1e6).toFixed(2)} s`
  if (us >= 1e3) return `${(us / 1e3).toFixed(us >= 1e4 ? 1 : 2)} ms`
  return `${us.toFixed(0)} µs`
}

async function ok(ctx: EmbeddedAppContext, op: string, payload: unknown, key: string): Promise<any> {
  const r = await dispatch(ctx, op, payload, key)
  if (!r.ok) throw new Error(`${op}: ${r.error.code} ${r.error.message} ${JSON.stringify(r.error.fields ?? {})}`)
  return r.value
}

interface Op {
  name: string
  kind: 'read' | 'write' | 'form'
  /** Untimed preparation of one sample (e.g. receiving the request an approval then decides). */
  setup?: () => Promise<void> | void
  project: () => Promise<unknown>
  floorSetup?: () => Promise<void> | void
  floor: () => unknown
  /** Not cut short by --budget (a reception and the approval of what it received go together). */
  unbudgeted?: boolean
  /** The rows both sides return, to check the floor is the same work. */
  same?: (project: any, floor: any) => unknown[] | Promise<unknown[]>
}

interface Quantiles {
  n: number
  p50: number
  p99: number
  f50: number
  f99: number
}

interface OpResult extends Quantiles {
  name: string
  kind: Op['kind']
  /** A read measured on its own after a warm-up. */
  warm?: Quantiles
}

/** The SQL texts `fn` executes (every statement run, in order, without the journal's own). */
async function traced(fn: () => unknown): Promise<string[]> {
  const proto = Object.getPrototypeOf(Database.prototype.prepare.call(new Database(':memory:'), 'SELECT 1')) as Record<string, (...a: unknown[]) => unknown>
  const seen: string[] = []
  const saved = Object.fromEntries(['run', 'get', 'all', 'iterate'].map((m) => [m, proto[m]!]))
  for (const [m, orig] of Object.entries(saved))
    proto[m] = function (this: { source: string }, ...a: unknown[]) {
      seen.push(`${m}: ${this.source.replace(/\s+/g, " ")}`)
      return orig.apply(this, a)
    }
  try {
    await fn()
  } finally {
    Object.assign(proto, saved)
  }
  return seen
}

// ---- the floor: hand-written statements ------------------------------------------------------------

function floorStatements(ctx: EmbeddedAppContext) {
  const q = (sql: string) => ctx.sqlite.prepare(sql)
  const summaryCols = `c.id, c.name_kanji, c.name_kana, c.account_branch_code, c.account_type, c.account_number, c.ib_contract_id, c.otp_status`
  // The columns of the services' RequestSummary (with issue 13's 緊急停止 and 引継ぎ).
  const requestSummary = `r.id, r.receipt_no, r.kind, r.state, r.customer_id, c.name_kanji, c.name_kana, r.received_at, rs.name AS receiver,
    r.reviewed_at, vs.name AS reviewer, r.return_reason, r.received_by, r.version, r.urgent, r.taken_over_by, tk.name AS taker,
    (SELECT count(*) FROM otp_history h WHERE h.request_id = r.id AND h.kind = 'request_resubmitted') AS resubmitted
    FROM otp_requests r JOIN customers c ON c.id = r.customer_id JOIN staff rs ON rs.id = r.received_by LEFT JOIN staff vs ON vs.id = r.reviewed_by
    LEFT JOIN staff tk ON tk.id = r.taken_over_by`
  // A screen's limit is written into the SQL, as the services do (a bound LIMIT is compiled again on every call).
  const screen = REQUEST_PAGE_DEFAULT + 1
  const journalLines = `SELECT r.id, r.receipt_no, r.received_at, r.kind, r.state, r.urgent, r.customer_id, c.name_kanji, c.name_kana, c.account_branch_code,
      c.account_type, c.account_number, rs.name, tk.name, vs.name, r.reviewed_at, r.return_reason, r.withdraw_reason, sc.receipt_no,
      r.repeat_unlock_acknowledged, r.repeat_unlock_count, r.repeat_unlock_days, r.repeat_unlock_last_at,
      CASE WHEN r.kind = 'unlock' THEN json_extract(r.form_json, '$.verification.othersMayHaveTried') END,
      (SELECT count(*) FROM otp_history h WHERE h.request_id = r.id AND h.kind = 'request_returned'),
      (SELECT count(*) FROM otp_history h WHERE h.request_id = r.id AND h.kind = 'request_resubmitted')
      FROM otp_requests r JOIN customers c ON c.id = r.customer_id JOIN staff rs ON rs.id = r.received_by LEFT JOIN staff vs ON vs.id = r.reviewed_by
      LEFT JOIN staff tk ON tk.id = r.taken_over_by LEFT JOIN otp_requests sc ON sc.id = r.superseded_by`
  return {
    // An exact key finds at most one customer per 預金種目: no sort needed for the same rows.
    byAccount: q(`SELECT ${summaryCols} FROM customers c WHERE c.account_branch_code = ? AND c.account_number = ?`),
    // A name is looked for from the start of the whole name and of the given name (名から): two
    // ranges of one screen each, merged in the kana order.
    byKana: q(`SELECT ${summaryCols}, c.kana_key FROM customers c WHERE c.kana_key >= ? AND c.kana_key < ? ORDER BY c.kana_key, c.id LIMIT 100`),
    byGivenKana: q(`SELECT ${summaryCols}, c.kana_key FROM customers c WHERE c.given_kana_key >= ? AND c.given_kana_key < ? ORDER BY c.given_kana_key, c.id LIMIT 100`),
    byName: q(`SELECT ${summaryCols}, c.kana_key FROM customers c WHERE c.name_key >= ? AND c.name_key < ? ORDER BY c.name_key, c.id LIMIT 100`),
    byGivenName: q(`SELECT ${summaryCols}, c.kana_key FROM customers c WHERE c.given_name_key >= ? AND c.given_name_key < ? ORDER BY c.given_name_key, c.id LIMIT 100`),
    byIb: q(`SELECT ${summaryCols} FROM customers c WHERE c.ib_contract_id = ?`),
    customer: q('SELECT * FROM customers WHERE id = ?'),
    history: q(`SELECT h.id, h.at, h.kind, h.request_id, r.receipt_no, r.kind AS request_kind, h.from_status, h.to_status, s.name, h.note,
      h.event_kind, h.event_source, h.occurred_on FROM otp_history h LEFT JOIN otp_requests r ON r.id = h.request_id
      LEFT JOIN staff s ON s.id = h.actor_id WHERE h.customer_id = +? ORDER BY h.at DESC, h.id DESC`),
    // `+?` as the services write it (db/prepared.ts keyPlaceholder): a bare `?` compared with an
    // indexed column in an ordered query is compiled again on every call (~80 µs here).
    customerRequests: q(`SELECT ${requestSummary} WHERE r.customer_id = +? ORDER BY r.received_at DESC, r.id`),
    // The lists are read one screen at a time: the first screen (one row more, to know whether a
    // next one exists) and the count of the whole list.
    queue: q(`SELECT ${requestSummary} WHERE r.state = 'pending_review' ORDER BY r.received_at, r.id LIMIT ${screen}`),
    queueCount: q(`SELECT count(*) AS n FROM otp_requests WHERE state = 'pending_review'`),
    // The branch's returned requests (issue 13: any teller of the branch may take one over).
    returned: q(`SELECT ${requestSummary} WHERE r.state = 'returned' AND r.branch_id = (SELECT id FROM branches WHERE code = ?)
      ORDER BY r.received_at, r.id LIMIT ${screen}`),
    returnedCount: q(`SELECT count(*) AS n FROM otp_requests WHERE state = 'returned' AND branch_id = (SELECT id FROM branches WHERE code = ?)`),
    requestSummary: q(`SELECT ${requestSummary} WHERE r.id = ?`),
    request: q('SELECT * FROM otp_requests WHERE id = ?'),
    staffName: q('SELECT name FROM staff WHERE id = ?'),
    printCounts: q('SELECT form_kind, count(*) AS n FROM printed_forms WHERE request_id = ? GROUP BY form_kind'),
    settings: q('SELECT key, value FROM settings'),
    repeat: q(`SELECT reviewed_at FROM otp_requests WHERE customer_id = ? AND kind = 'unlock' AND state = 'approved' AND reviewed_at >= ?
      AND reviewed_at <= ? AND id <> ? ORDER BY reviewed_at DESC`),
    // writes
    openRequest: q(`SELECT receipt_no FROM otp_requests WHERE customer_id = ? AND state IN ('pending_review','returned') LIMIT 1`),
    branchByCode: q('SELECT * FROM branches WHERE code = ?'),
    counter: q(`INSERT INTO receipt_counters(branch_code, business_date, last_seq) VALUES (?, ?, 1)
      ON CONFLICT(branch_code, business_date) DO UPDATE SET last_seq = last_seq + 1 RETURNING last_seq`),
    insRequest: q(`INSERT INTO otp_requests(receipt_no, branch_id, customer_id, kind, state, status_at_receipt, result_status, form_json,
      id_document_type, id_checked_by, seal_matched, business_date, received_by, received_at, urgent) VALUES (?,?,?,?, 'pending_review', ?,?,?,?,?,1,?,?,?,?) RETURNING id`),
    insVersion: q('INSERT INTO otp_request_versions(request_id, seq, form_json, submitted_by, submitted_at) VALUES (?, 1, ?, ?, ?)'),
    urgentStop: q(`UPDATE customers SET otp_status = 'suspended', status_changed_at = ?, updated_at = ?, version = version + 1 WHERE id = ?`),
    insHistory: q(`INSERT INTO otp_history(customer_id, at, kind, request_id, from_status, to_status, actor_id, note) VALUES (?,?,?,?,?,?,?,?)`),
    // With the columns the audit screen filters on (0011).
    insAudit: q(`INSERT INTO audit_log(at, actor_id, actor_login_id, action, outcome, target, detail_json, branch_id, customer_id, request_id)
      VALUES (?,?,?,?,?,?,?,?,?,?)`),
    receivedBy: q('SELECT received_by FROM otp_requests WHERE id = ?'),
    approve: q(`UPDATE otp_requests SET state = 'approved', reviewed_by = ?, reviewed_at = ?, version = version + 1 WHERE id = ? AND version = ?`),
    setStatus: q('UPDATE customers SET otp_status = ?, status_changed_at = ?, updated_at = ?, version = version + 1, wrong_entry_count = 0 WHERE id = ?'),
    staffByLogin: q('SELECT * FROM staff WHERE login_id = ?'),
    reserve: q('UPDATE staff SET failed_attempts = failed_attempts + 1 WHERE id = ? AND locked_at IS NULL AND active = 1 RETURNING failed_attempts'),
    grant: q('UPDATE staff SET failed_attempts = 0 WHERE id = ? AND locked_at IS NULL AND active = 1'),
    sessionUser: q('SELECT s.id, s.login_id, s.name, s.role, b.code, b.name AS branch FROM staff s JOIN branches b ON b.id = s.branch_id WHERE s.id = ?'),
    loadRequest: q(`SELECT r.*, b.code, b.name AS branch, c.name_kanji, c.name_kana, c.account_branch_code, c.account_type, c.account_number,
      c.ib_contract_id, rs.name AS receiver, vs.name AS reviewer, cs.name AS checker FROM otp_requests r JOIN branches b ON b.id = r.branch_id
      JOIN customers c ON c.id = r.customer_id JOIN staff rs ON rs.id = r.received_by JOIN staff cs ON cs.id = r.id_checked_by
      LEFT JOIN staff vs ON vs.id = r.reviewed_by WHERE r.id = ?`),
    trail: q(`SELECT h.at, h.kind, s.name, h.note FROM otp_history h LEFT JOIN staff s ON s.id = h.actor_id
      WHERE h.customer_id = ? AND h.request_id = ? ORDER BY h.at, h.id`),
    printCount: q('SELECT count(*) AS n FROM printed_forms WHERE request_id = ? AND form_kind = ?'),
    journalPrintCount: q(`SELECT count(*) AS n FROM printed_forms WHERE request_id IS NULL AND branch_id = ? AND business_date = ? AND form_kind = 'daily_journal'`),
    // The 日次取扱一覧 (services/forms.ts journalTarget, services/journal.ts): the day's lines with
    // 緊急停止, 引継ぎ, 失効 and the trail's counts; the refusals at reception (counter_refusals, issue
    // 13); those at 再提出 or at the decision (the audit, target request:<id>); the day's counts.
    journal: q(`${journalLines} WHERE r.branch_id = +? AND r.business_date = +? ORDER BY r.received_at, r.id`),
    // The on-screen 日次取扱一覧 (journal.list): one page of the same lines after a keyset, and the
    // day's count.
    journalPage: q(`${journalLines} WHERE r.branch_id = +? AND r.business_date = +? AND (r.received_at, r.id) > (+?, +?)
      ORDER BY r.received_at, r.id LIMIT ${screen}`),
    journalTotal: q('SELECT count(*) AS n FROM otp_requests WHERE branch_id = +? AND business_date = +?'),
    counterRefusals: q(`SELECT f.at, f.customer_id, c.name_kanji, s.name FROM counter_refusals f JOIN customers c ON c.id = f.customer_id
      JOIN staff s ON s.id = f.staff_id WHERE f.branch_id = +? AND f.business_date = +? ORDER BY f.at, f.id`),
    fraud: q(`SELECT a.id, a.at, a.action, a.target, s.name FROM audit_log a JOIN staff s ON s.id = a.actor_id
      WHERE a.action IN ('requests.resubmit','requests.decideUnlock') AND a.outcome = 'refused' AND a.detail_json LIKE '%"FRAUD_SUSPECTED"%'
      AND a.target LIKE 'request:%' AND s.branch_id = ? AND a.at >= ? AND a.at < ?`),
    requestName: q('SELECT r.receipt_no, c.name_kanji FROM otp_requests r JOIN customers c ON c.id = r.customer_id WHERE r.id = ?'),
    dayByStateKind: q('SELECT state, kind, urgent, count(*) AS n FROM otp_requests WHERE branch_id = +? AND business_date = +? GROUP BY state, kind, urgent'),
    dayTrail: q(`SELECT h.kind, count(*) AS n FROM otp_requests r JOIN otp_history h ON h.request_id = r.id WHERE r.branch_id = +? AND r.business_date = +?
      GROUP BY h.kind`),
    journalHead: q('SELECT id, hash, at FROM ledger_journal ORDER BY id DESC LIMIT 1'),
  }
}
type Floor = ReturnType<typeof floorStatements>

/** The request detail a command returns, by hand. */
function floorRequestDetail(f: Floor, id: number) {
  const summary = f.requestSummary.get(id)
  const r = f.request.get(id) as { id_checked_by: number; form_json: string }
  return { summary, r, form: JSON.parse(r.form_json), checker: f.staffName.get(r.id_checked_by), prints: f.printCounts.all(id) }
}

// ---- one ledger -----------------------------------------------------------------------------------

/** Open time and resident memory of a process that is only the app on this ledger (and of the
 * same Node with the same loader and nothing else, for what is not the app's). */
function appProcess(work: string, customerId: number, requestId: number): SizeResult['app'] {
  const run = (...args: string[]) => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(root, 'tests/bench/app-process.ts'), ...args], { cwd: root, encoding: 'utf8' })
    if (r.status !== 0) throw new Error(`app-process failed: ${r.stderr}`)
    return JSON.parse(r.stdout.trim().split('\n').at(-1)!) as Omit<NonNullable<SizeResult['app']>, 'bareRssMB'>
  }
  const app = run(work, String(customerId), String(requestId))
  return { ...app, bareRssMB: run('--bare').rssMB }
}

interface SizeResult {
  size: number
  generatedSeconds: number
  firstOpenMs: number
  openMs: number
  fileMB: number
  /** The bench process's own (it holds the floor's statements and every sample). */
  rssMB: number
  /** A process that only opened the ledger and each screen once (tests/bench/app-process.ts). */
  app?: { openMs: number; screensRssMB: number; formRssMB: number; rssMB: number; heapMB: number; bareRssMB: number }
  ops: OpResult[]
}

async function benchSize(size: number): Promise<SizeResult> {
  const gen = await cachedLedger(cacheRoot, size)
  if (gen.seconds) console.log(`  generated ${size.toLocaleString()} customers in ${gen.seconds.toFixed(1)} s`)
  const work = path.join(cacheRoot, `work-${size}`)
  fs.rmSync(work, { recursive: true, force: true })
  fs.mkdirSync(work, { recursive: true })
  fs.copyFileSync(gen.file, path.join(work, LEDGER_FILE))
  const clock = () => BENCH_NOW
  const quiet = pino({ level: 'silent' })
  const open = async () => embeddedContext(await openApp({ dataDir: work, demo: true, transport: 'ipc', version: 'bench', clock, logger: quiet }))

  // The first open may migrate (and back up) an older ledger; the second is every later start.
  let t = performance.now()
  ;(await open()).sqlite.close()
  const firstOpenMs = performance.now() - t
  fs.rmSync(path.join(work, 'backups'), { recursive: true, force: true })
  t = performance.now()
  const ctx = await open()
  const openMs = performance.now() - t

  try {
    for (const [key, loginId] of [['t', 'teller1'], ['t2', 'teller2'], ['s', 'super1']] as const)
      await ok(ctx, 'auth.login', { loginId, password: DEMO_PASSWORD }, key)
    const teller = ctx.sessions.get('t') as SessionUser
    const supervisor = ctx.sessions.get('s') as SessionUser
    const f = floorStatements(ctx)
    const one = <T>(sql: string, ...p: unknown[]) => ctx.sqlite.prepare(sql).get(...p) as T
    const all = <T>(sql: string, ...p: unknown[]) => ctx.sqlite.prepare(sql).all(...p) as T[]

    // What the operations work on.
    const mid = Math.floor(size / 2)
    const sample = one<{ id: number; account_branch_code: string; account_number: string; ib_contract_id: string }>('SELECT * FROM customers WHERE id = ?', mid)
    const typical = one<{ customer_id: number }>(`SELECT customer_id FROM otp_requests WHERE business_date < ? ORDER BY id LIMIT 1 OFFSET ?`, BENCH_TODAY, Math.floor(size / 200))
    const heavy = 998 // generated customer 997 (ids start after the 50 demo customers at 1): 120+ history rows
    const waiting = one<{ n: number }>(`SELECT count(*) AS n FROM otp_requests WHERE state = 'pending_review'`).n
    const pendingUnlock = one<{ id: number }>(`SELECT id FROM otp_requests WHERE state = 'pending_review' AND kind = 'unlock' ORDER BY id LIMIT 1`)
    const approvedToday = one<{ id: number; customer_id: number }>(`SELECT id, customer_id FROM otp_requests WHERE state = 'approved' AND business_date = ? ORDER BY id LIMIT 1`, BENCH_TODAY)
    const branch001 = one<{ id: number }>(`SELECT id FROM branches WHERE code = '001'`)
    const open = new Set(all<{ customer_id: number }>(`SELECT DISTINCT customer_id FROM otp_requests`).map((r) => r.customer_id))
    const pool = (status: string, n: number) =>
      all<Record<string, any>>(`SELECT * FROM customers WHERE otp_status = ? AND id > 50 ORDER BY id LIMIT ?`, status, n + open.size).filter((c) => !open.has(c.id))
    const inUse = pool('in_use', 2 * ITERATIONS + 20)
    const blocked = pool('blocked', 2 * ITERATIONS + 20)
    // The paper request a teller types for this customer: the same form the tests use.
    const paper = (c: Record<string, any>) => baseForm(c as CustomerRow, BENCH_TODAY)
    const verification = { idDocumentMatches: true, contractHolderConfirmed: true, blockAccount: '機種変更後に古いコードを入力した', othersMayHaveTried: false, fraudSuspected: false }

    // Hand-written reception and approval: the same reads and writes in one IMMEDIATE transaction
    // each, ending with the journal's entry for the rows written (issue 15: part of every write,
    // db/journal.ts), as the services' transactions do. The bench's 利用停止 is for 紛失・盗難: an
    // urgent stop (issue 13), which suspends at reception; its approval is the 事後検印.
    const floorTx = <T>(fn: () => T, fallback?: { action: string; actorId: number; actorLoginId: string }) =>
      ledgerTransaction(ctx.sqlite, fn, fallback ? { fallback: { at: BENCH_NOW.toISOString(), outcome: 'ok', ...fallback } } : {})
    const floorReceive = (c: Record<string, any>, kind: 'suspension' | 'unlock') => {
      const at = BENCH_NOW.toISOString()
      const urgent = kind === 'suspension'
      const id = floorTx(() => {
        const cust = f.customer.get(c.id) as Record<string, any>
        if (f.openRequest.get(cust.id)) throw new Error('open request')
        const branch = f.branchByCode.get(teller.branchCode) as { id: number; code: string }
        const seq = (f.counter.get(branch.code, BENCH_TODAY) as { last_seq: number }).last_seq
        const receiptNo = `${branch.code}-${BENCH_TODAY.replaceAll('-', '')}-${String(seq).padStart(4, '0')}`
        const form = JSON.stringify({ kind, ...paper(c), ...(kind === 'unlock' ? { verification } : { reason: 'lost_or_stolen' }) })
        const to = kind === 'unlock' ? 'in_use' : 'suspended'
        const rid = (f.insRequest.get(receiptNo, branch.id, cust.id, kind, cust.otp_status, to, form, 'drivers_license', teller.staffId, BENCH_TODAY, teller.staffId, at, +urgent) as { id: number }).id
        f.insVersion.run(rid, form, teller.staffId, at)
        if (urgent) f.urgentStop.run(at, at, cust.id)
        f.insHistory.run(cust.id, at, 'request_received', rid, cust.otp_status, urgent ? 'suspended' : null, teller.staffId, urgent ? '受付と同時に利用停止（緊急停止・事後検印待ち）' : '受付（検印待ち）')
        const action = kind === 'unlock' ? 'requests.receiveUnlock' : 'requests.receiveSuspension'
        f.insAudit.run(at, teller.staffId, teller.loginId, action, 'ok', `request:${rid}`, JSON.stringify({ receiptNo, customerId: cust.id, kind }), branch.id, cust.id, rid)
        return rid
      })
      floorRequestDetail(f, id)
      return id
    }
    const floorApprove = (id: number, approver: SessionUser, withRepeat: boolean) => {
      const at = BENCH_NOW.toISOString()
      floorTx(() => {
        if ((f.receivedBy.get(id) as { received_by: number }).received_by === approver.staffId) throw new Error('own')
        const r = f.request.get(id) as Record<string, any>
        if (withRepeat) {
          f.settings.all()
          f.repeat.all(r.customer_id, new Date(BENCH_NOW.getTime() - 30 * 86_400_000).toISOString(), at, id)
        }
        const c = f.customer.get(r.customer_id) as Record<string, any>
        if (f.approve.run(approver.staffId, at, id, r.version).changes !== 1) throw new Error('stale')
        const applied = r.urgent === 1 && c.otp_status === r.result_status
        if (!applied) f.setStatus.run(r.result_status, at, at, c.id)
        f.insHistory.run(c.id, at, 'request_approved', id, c.otp_status, applied ? null : r.result_status, approver.staffId, applied ? '事後検印・承認（受付時から利用停止）' : '検印・承認')
        f.insAudit.run(at, approver.staffId, approver.loginId, 'requests.approve', 'ok', `request:${id}`, JSON.stringify({ receiptNo: r.receipt_no }), r.branch_id, c.id, id)
      })
      return floorRequestDetail(f, id)
    }

    // Forms: the floor is the same rows by hand plus rendering the very definition the service built.
    const formDef = async (form: 'customer_receipt' | 'completion_notice' | 'handling_record', requestId: number): Promise<TDocumentDefinitions> =>
      (await requestTarget(ctx, form, requestId, teller)).build(null, BENCH_NOW)
    // The day grows while the bench receives requests: the floor renders the definition of the day
    // as it is now, built untimed before each sample (floorSetup), as the project does.
    let journalDef: TDocumentDefinitions | null = null
    const floorJournalRows = () => {
      const from = new Date(`${BENCH_TODAY}T00:00:00+09:00`).toISOString()
      const to = new Date(new Date(`${BENCH_TODAY}T00:00:00+09:00`).getTime() + 86_400_000).toISOString()
      const branch = f.branchByCode.get('001') as { id: number }
      const rows = f.journal.all(branch.id, BENCH_TODAY)
      const refusals = f.counterRefusals.all(branch.id, BENCH_TODAY) as { customer_id: number }[]
      const fraud = (f.fraud.all(branch.id, from, to) as { at: string; id: number; target: string }[]).sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.id - b.id))
      for (const x of fraud) f.requestName.get(Number(x.target.split(':')[1]))
      f.dayByStateKind.all(branch.id, BENCH_TODAY)
      f.dayTrail.all(branch.id, BENCH_TODAY)
      f.journalPrintCount.get(branch001.id, BENCH_TODAY)
      f.settings.all()
      return { rows, refusals, fraud }
    }

    const ids = (rows: any[]) => rows.map((r) => r.id)
    const kana = 'タナカハ'
    const kanji = '田中'
    /** Both ranges of a name search, merged by kana key then id, one screen shown. */
    const byName = (whole: Database.Statement, given: Database.Statement, typed: string) => {
      const found = new Map<number, { id: number; kana_key: string }>()
      for (const st of [whole, given]) for (const r of st.all(typed, typed + '\uFFFF') as { id: number; kana_key: string }[]) found.set(r.id, r)
      return [...found.values()].sort((a, b) => (a.kana_key < b.kana_key ? -1 : a.kana_key > b.kana_key ? 1 : a.id - b.id)).slice(0, 100)
    }
    let recvProject: { id: number; version: number } | null = null
    let recvFloor = 0
    let unlockProject: { id: number; version: number } | null = null
    let unlockFloor = 0
    let nextInUse = 0
    let nextBlocked = 0
    const formDefs = await Promise.all(
      (['customer_receipt', 'completion_notice', 'handling_record'] as const).map(async (form) => [form, await formDef(form, approvedToday.id)] as const),
    )
    const catalogue: Op[] = [
      {
        name: 'search: 店番+口座番号',
        kind: 'read',
        project: () => ok(ctx, 'customers.search', { branchCode: sample.account_branch_code, accountNumber: sample.account_number }, 't'),
        floor: () => f.byAccount.all(sample.account_branch_code, sample.account_number),
        same: (p, q) => [ids(p), ids(q)],
      },
      {
        name: `search: カナ氏名 (${kana}, 100 shown)`,
        kind: 'read',
        project: () => ok(ctx, 'customers.search', { kana }, 't'),
        floor: () => byName(f.byKana, f.byGivenKana, kana),
        same: (p, q) => [ids(p), ids(q)],
      },
      {
        name: `search: お名前 (${kanji}, 100 shown)`,
        kind: 'read',
        project: () => ok(ctx, 'customers.search', { name: kanji }, 't'),
        floor: () => byName(f.byName, f.byGivenName, kanji),
        same: (p, q) => [ids(p), ids(q)],
      },
      {
        name: 'search: IB契約者ID',
        kind: 'read',
        project: () => ok(ctx, 'customers.search', { ibContractId: sample.ib_contract_id }, 't'),
        floor: () => f.byIb.all(sample.ib_contract_id),
        same: (p, q) => [ids(p), ids(q)],
      },
      ...[
        ['customer screen (~5 history, 1 request)', typical.customer_id],
        ['customer screen (120+ history)', heavy],
      ].map(([name, id]): Op => ({
        name: name as string,
        kind: 'read',
        project: () => ok(ctx, 'customers.get', { customerId: id }, 't'),
        floor: () => ({ c: f.customer.get(id), history: f.history.all(id), requests: f.customerRequests.all(id) }),
        same: (p, q) => [[ids(p.history), ids(p.requests)], [ids(q.history), ids(q.requests)]],
      })),
      {
        name: `検印待ち一覧 first screen (${REQUEST_PAGE_DEFAULT} of ${waiting.toLocaleString()}, requests.pendingReview)`,
        kind: 'read',
        project: () => ok(ctx, 'requests.pendingReview', {}, 's'),
        floor: () => ({ items: f.queue.all().slice(0, REQUEST_PAGE_DEFAULT), total: (f.queueCount.get() as { n: number }).n }),
        same: (p, q) => [[ids(p.items), p.total], [ids(q.items), q.total]],
      },
      {
        name: '差戻し一覧 first screen (requests.returnedToMe)',
        kind: 'read',
        project: () => ok(ctx, 'requests.returnedToMe', {}, 't'),
        floor: () => ({
          items: f.returned.all(teller.branchCode).slice(0, REQUEST_PAGE_DEFAULT),
          total: (f.returnedCount.get(teller.branchCode) as { n: number }).n,
        }),
        same: (p, q) => [[ids(p.items), p.total], [ids(q.items), q.total]],
      },
      {
        name: '検印画面 (requests.get, 閉塞解除)',
        kind: 'read',
        project: () => ok(ctx, 'requests.get', { requestId: pendingUnlock.id }, 's'),
        floor: () => {
          const d = floorRequestDetail(f, pendingUnlock.id)
          f.settings.all()
          f.repeat.all((d.r as any).customer_id, new Date(BENCH_NOW.getTime() - 30 * 86_400_000).toISOString(), BENCH_NOW.toISOString(), pendingUnlock.id)
          return d
        },
      },
      {
        name: '受付 (利用停止, durable)',
        kind: 'write',
        unbudgeted: true,
        project: async () => {
          recvProject = await ok(ctx, 'requests.receiveSuspension', { ...paper(inUse[nextInUse++]!), reason: 'lost_or_stolen' }, 't')
        },
        floor: () => (recvFloor = floorReceive(inUse[nextInUse++]!, 'suspension')),
      },
      {
        name: '承認 (検印・承認)',
        kind: 'write',
        unbudgeted: true,
        project: () => ok(ctx, 'requests.approve', { requestId: recvProject!.id, version: recvProject!.version }, 's'),
        floor: () => floorApprove(recvFloor, supervisor, false),
      },
      {
        name: '閉塞解除 (役席認証 + 承認)',
        kind: 'write',
        setup: async () => {
          unlockProject = await ok(ctx, 'requests.receiveUnlock', { ...paper(blocked[nextBlocked++]!), verification }, 't')
        },
        project: () =>
          ok(ctx, 'requests.decideUnlock', { requestId: unlockProject!.id, version: unlockProject!.version, decision: 'approve', supervisorLoginId: 'super1', supervisorPassword: DEMO_PASSWORD }, 't'),
        floorSetup: () => {
          unlockFloor = floorReceive(blocked[nextBlocked++]!, 'unlock')
        },
        floor: async () => {
          const s = f.staffByLogin.get('super1') as { id: number; password_hash: string; branch_id: number }
          floorTx(() => f.reserve.get(s.id), { action: 'auth.supervisorAuth.attempt', actorId: s.id, actorLoginId: 'super1' })
          if (!(await verifyPassword(DEMO_PASSWORD, s.password_hash))) throw new Error('password')
          floorTx(() => {
            f.grant.run(s.id)
            f.insAudit.run(BENCH_NOW.toISOString(), s.id, 'super1', 'auth.supervisorAuth', 'ok', `staff:${s.id}`, null, s.branch_id, null, null)
          })
          f.sessionUser.get(s.id)
          return floorApprove(unlockFloor, supervisor, true)
        },
      },
      ...formDefs.map(([form, def]): Op => {
        return {
          name: `帳票: ${form}`,
          kind: 'form',
          project: () => ok(ctx, 'forms.preview', { form, requestId: approvedToday.id }, 't'),
          floor: async () => {
            const r = f.loadRequest.get(approvedToday.id) as { branch_id: number }
            if (form === 'handling_record') f.trail.all(approvedToday.customer_id, approvedToday.id)
            f.settings.all()
            f.printCount.get(approvedToday.id, form)
            // Opening a 取扱記録票 preview is recorded (issue 15: it shows the full account and IB契約者ID).
            if (form === 'handling_record')
              floorTx(() => f.insAudit.run(BENCH_NOW.toISOString(), teller.staffId, teller.loginId, 'forms.preview', 'ok', `request:${approvedToday.id}`, '{}', r.branch_id, approvedToday.customer_id, approvedToday.id))
            return renderPdf(def)
          },
        }
      }),
      {
        name: '日次取扱一覧 (data, journalTarget)',
        kind: 'read',
        project: async () => journalTarget(ctx, BENCH_TODAY, supervisor),
        floor: floorJournalRows,
        // The lines, and the fraud refusals the service finds (at reception and later).
        same: async (p, q) => [
          [p.auditDetail.rows, (await dayRefusals(ctx.db, branch001.id, BENCH_TODAY)).map((r) => r.customerId)],
          [q.rows.length, q.refusals.map((r: any) => r.customer_id)],
        ],
      },
      {
        name: '日次取扱一覧 screen (journal.list, first page)',
        kind: 'read',
        project: () => ok(ctx, 'journal.list', { businessDate: BENCH_TODAY }, 's'),
        floor: () => {
          const branch = f.branchByCode.get(supervisor.branchCode) as { id: number }
          const page = f.journalPage.all(branch.id, BENCH_TODAY, '', 0)
          const total = (f.journalTotal.get(branch.id, BENCH_TODAY) as { n: number }).n
          const refusals = f.counterRefusals.all(branch.id, BENCH_TODAY)
          f.dayByStateKind.all(branch.id, BENCH_TODAY)
          f.dayTrail.all(branch.id, BENCH_TODAY)
          return { items: page.slice(0, REQUEST_PAGE_DEFAULT), total, refusals }
        },
        same: (p, q) => [[ids(p.items), p.total, p.refusals.length], [ids(q.items), q.total, q.refusals.length]],
      },
      {
        name: '日次取扱一覧 (preview PDF)',
        kind: 'form',
        project: () => ok(ctx, 'forms.previewDailyJournal', { businessDate: BENCH_TODAY }, 's'),
        floorSetup: async () => {
          journalDef = await (await journalTarget(ctx, BENCH_TODAY, supervisor)).build(null, BENCH_NOW)
        },
        floor: async () => {
          floorJournalRows()
          f.journalHead.get() // the preview names the ledger's last entry
          return renderPdf(journalDef!)
        },
      },
    ]
    const ops = catalogue.filter((o) => ![...SKIP].some((s) => o.name.startsWith(s)))

    if (TRACE) {
      for (const op of ops) {
        await op.setup?.()
        const p = await traced(() => op.project())
        await op.floorSetup?.()
        const f = await traced(() => op.floor())
        console.log(`\n--- ${op.name}\n  project:\n${p.map((x) => `    ${x}`).join('\n')}\n  floor:\n${f.map((x) => `    ${x}`).join('\n')}`)
      }
      return { size, generatedSeconds: gen.seconds, firstOpenMs, openMs, fileMB: 0, rssMB: 0, ops: [] }
    }

    // Check that each floor returns the same rows as the project (once, untimed).
    for (const op of ops) {
      if (!op.same) continue
      const [a, b] = await op.same(await op.project(), await op.floor())
      if (JSON.stringify(a) !== JSON.stringify(b)) throw new Error(`floor of '${op.name}' returns other rows:\n${JSON.stringify(a)}\n${JSON.stringify(b)}`)
    }

    // The mixed loop: every operation in turn, as a day at the counter mixes them. A read measured
    // there finds the code and data of the operations before it in the caches (a PDF, a scrypt, a
    // write ran in between): both sides run in each round, in alternating order, and only the side
    // that runs first is timed, so neither is measured just after the other warmed the same rows
    // and SQLite's code for it. Writes and forms are timed on both sides (the pairs go together).
    const samples = new Map(ops.map((o) => [o.name, { p: [] as number[], f: [] as number[], spent: 0 }]))
    const maxFor = (op: Op) => (op.kind === 'write' ? Math.min(ITERATIONS, Math.floor(Math.min(inUse.length, blocked.length) / 2) - 2) : ITERATIONS)
    const timed = async (fn: () => unknown): Promise<number> => {
      const t0 = nowUs()
      await fn()
      return nowUs() - t0
    }
    for (let i = 0; i < ITERATIONS; i++) {
      for (const op of ops) {
        const s = samples.get(op.name)!
        // A read's round times one side (half the rounds each); the others time both.
        const rounds = op.kind === 'read' ? s.p.length + s.f.length : s.p.length
        if (rounds >= maxFor(op) || (!op.unbudgeted && Math.min(s.p.length, s.f.length) >= 3 && s.spent > BUDGET_MS * 1000)) continue
        const both = op.kind !== 'read'
        const runProject = async (time: boolean) => {
          await op.setup?.()
          const d = await timed(op.project)
          s.spent += d
          if (time) s.p.push(d)
        }
        const runFloor = async (time: boolean) => {
          await op.floorSetup?.()
          const d = await timed(op.floor)
          if (time) s.f.push(d)
        }
        if (i % 2 === 0) {
          await runProject(true)
          await runFloor(both)
        } else {
          await runFloor(true)
          await runProject(both)
        }
      }
    }
    // Warm: each read on its own, the project and its floor alternating after a warm-up, as when
    // a teller runs the same search again and again — what the code costs once it is in the caches.
    const warm = new Map<string, { p: number[]; f: number[] }>()
    for (const op of ops) {
      if (op.kind !== 'read') continue
      const w = { p: [] as number[], f: [] as number[] }
      let spent = 0
      for (let i = 0; i < WARM_UP + ITERATIONS; i++) {
        if (i >= WARM_UP + 3 && spent > BUDGET_MS * 1000) break
        const d = await timed(op.project)
        const e = await timed(op.floor)
        spent += d
        if (i < WARM_UP) continue
        w.p.push(d)
        w.f.push(e)
      }
      warm.set(op.name, w)
    }
    const results: OpResult[] = ops.map((op) => {
      const s = samples.get(op.name)!
      const w = warm.get(op.name)
      return {
        name: op.name,
        kind: op.kind,
        n: s.p.length,
        p50: quantile(s.p, 0.5),
        p99: quantile(s.p, 0.99),
        f50: quantile(s.f, 0.5),
        f99: quantile(s.f, 0.99),
        ...(w && { warm: { n: w.p.length, p50: quantile(w.p, 0.5), p99: quantile(w.p, 0.99), f50: quantile(w.f, 0.5), f99: quantile(w.f, 0.99) } }),
      }
    })
    const fileMB = fs.statSync(path.join(work, LEDGER_FILE)).size / 1e6
    const benchRssMB = process.memoryUsage().rss / 1e6
    ctx.sqlite.close()
    const app = appProcess(work, typical.customer_id, approvedToday.id)
    return { size, generatedSeconds: gen.seconds, firstOpenMs, openMs, fileMB, rssMB: benchRssMB, app, ops: results }
  } finally {
    if (ctx.sqlite.open) ctx.sqlite.close()
    fs.rmSync(work, { recursive: true, force: true })
  }
}

// ---- the report -----------------------------------------------------------------------------------

/** The issue's targets at 1M: reads within 3x their floor (50 µs when the floor is under 25 µs) and
 * under 16 ms at p99; writes within 2x the same writes; the 検印 queue under 50 ms. */
function verdict(r: Quantiles & { kind: Op['kind']; name: string }): string {
  if (r.kind === 'form') return ''
  if (r.kind === 'write') return r.p50 <= 2 * r.f50 ? 'ok' : 'MISS'
  const near = r.f50 < 25 ? r.p50 - r.f50 <= 50 : r.p50 <= 3 * r.f50
  const queue = !r.name.startsWith('検印待ち一覧') || r.p50 < 50_000
  return near && queue && r.p99 < 16_000 ? 'ok' : 'MISS'
}

function print(res: SizeResult): void {
  console.log(`\n### ${res.size.toLocaleString()} customers (${LABEL})`)
  console.log(`open ${res.openMs.toFixed(0)} ms (first open, with migrations: ${res.firstOpenMs.toFixed(0)} ms) · file ${res.fileMB.toFixed(0)} MB · RSS of the bench ${res.rssMB.toFixed(0)} MB`)
  if (res.app)
    console.log(
      `app process (opens the ledger, logs in, opens each screen once): open ${res.app.openMs.toFixed(0)} ms · RSS after the screens ${res.app.screensRssMB.toFixed(0)} MB, after the first form ${res.app.formRssMB.toFixed(0)} MB, after the 日次取扱一覧 ${res.app.rssMB.toFixed(0)} MB (heap ${res.app.heapMB.toFixed(0)} MB; Node with the loader alone: ${res.app.bareRssMB.toFixed(0)} MB)\n`,
    )
  console.log(`検印待ち一覧 and 差戻し一覧: the first screen as the app shows it (${REQUEST_PAGE_DEFAULT} rows, keyset-paged) and the count of the whole list.\n`)
  console.log('Mixed: in one loop with every other operation (a read: only the side that runs first in its round is timed). Warm: the read on its own after a warm-up.\n')
  console.log('| operation | n | project p50 | project p99 | floor p50 | floor p99 | ratio p50 | target | warm: project p50 / p99 | floor p50 | ratio | target |')
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: | --- |')
  for (const r of res.ops) {
    const w = r.warm
    const warmCols = w ? `${fmt(w.p50)} / ${fmt(w.p99)} | ${fmt(w.f50)} | ${(w.p50 / w.f50).toFixed(2)}× | ${verdict({ ...w, kind: r.kind, name: r.name })}` : ' | | | '
    console.log(`| ${r.name} | ${r.n} | ${fmt(r.p50)} | ${fmt(r.p99)} | ${fmt(r.f50)} | ${fmt(r.f99)} | ${(r.p50 / r.f50).toFixed(2)}× | ${verdict(r)} | ${warmCols} |`)
  }
}

async function main(): Promise<void> {
  const all: SizeResult[] = []
  for (const size of SIZES) {
    console.log(`\n== ${size.toLocaleString()} customers ==`)
    const res = await benchSize(size)
    print(res)
    all.push(res)
  }
  fs.mkdirSync(cacheRoot, { recursive: true })
  fs.writeFileSync(path.join(cacheRoot, `results-${LABEL}.json`), JSON.stringify(all, null, 2))
}
void main()
