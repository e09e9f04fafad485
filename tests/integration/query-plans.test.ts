// Every statement the services issue must use an index for its WHERE and ORDER BY at any size: no
// SCAN of a table that grows with the customers, their history, requests, prints or audit rows,
// and no temporary B-tree (sort) over more than one screen of rows.
//
// The statements are not listed here: the services run a counter day through the dispatcher (every
// request kind, 検印, 差戻し/再提出/取消, 閉塞解除, events, every form and the journal, staff and
// settings, and the screens opened beside the counter: 集計, the CSV exports, the 監査ログ, the head
// office's views) on a ledger built by the benchmark's generator, and the data layer reports each
// SQL text it compiles (drizzle's queries and the hand-written SELECTs of ledger.rows alike). Each is then planned (EXPLAIN QUERY PLAN) twice: as SQLite plans it without
// statistics (a ledger nobody analysed), and with sqlite_stat1 rows that describe the same ledger
// grown to 1,000,000 customers.
import fs from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Sqlite } from '../../db/open'
import { openedSqliteLedger } from '../../db/ledger'
import { createTestApp, expectLedgerVerifies, tempDir, type TestApp } from '../helpers/app'
import { counterDay } from '../helpers/counterDay'
import { generateLedger } from '../bench/ledger'

/** Tables whose rows grow with the customers and the years. */
const GROWING = new Set(['customers', 'otp_history', 'otp_requests', 'otp_request_versions', 'audit_log', 'printed_forms', 'receipt_counters', 'counter_refusals'])
/** One screen of rows: a sort over at most this many is harmless. */
const SCREEN_ROWS = 100
const GENERATED = 3_000
/** A column with at most this many distinct values (states, kinds, branches, staff, outcomes) has
 * as many at 1M customers; one with more (customer ids, names, times) grows with the rows. */
const FEW_VALUES = 50
const TARGET = 1_000_000

let app: TestApp
const statements = new Set<string>()
/** index name -> rows per key for 1, 2, ... leading columns, as at 1M customers. */
const stats1M = new Map<string, { table: string; perKey: number[] }>()

/** Estimated rows a search visits: the rows per key of its equality prefix (a range after it
 * counts as the prefix, an upper bound). */
function searchRows(detail: string): number {
  if (/USING (INTEGER )?PRIMARY KEY \(rowid=\?\)/.test(detail)) return 1
  const m = /USING (?:COVERING )?INDEX (\S+) \(([^)]*)\)/.exec(detail)
  if (!m) return Infinity
  const s = stats1M.get(m[1]!)
  if (!s) return m[1]!.startsWith('sqlite_autoindex_') ? 1 : Infinity
  const eq = m[2]!.split(' AND ').filter((c) => /=\?$/.test(c) && !/[<>]/.test(c)).length
  return eq === 0 ? Infinity : s.perKey[Math.min(eq, s.perKey.length) - 1]!
}

interface PlanRow {
  id: number
  parent: number
  detail: string
}

/** Rows one SEARCH or SCAN line visits: of a growing table, its search's estimate; of a CTE or a
 * subquery (a co-routine or a materialized view in the plan), the most any SEARCH or SCAN under
 * its definition visits; of a table that does not grow (branches, staff, settings), none that grow. */
function visited(plan: PlanRow[], line: PlanRow, tableOf: (name: string) => string): number {
  const name = /^(?:SEARCH|SCAN) (\(subquery-\d+\)|\S+)/.exec(line.detail)?.[1]
  if (!name) return Infinity
  if (GROWING.has(tableOf(name))) return searchRows(line.detail)
  const def = plan.find((r) => r.detail === `CO-ROUTINE ${name}` || r.detail === `MATERIALIZE ${name}`)
  if (!def) return 0
  const under = (r: PlanRow): boolean => {
    for (let p = r.parent; p !== 0; p = plan.find((x) => x.id === p)?.parent ?? 0) if (p === def.id) return true
    return false
  }
  return Math.max(0, ...plan.filter((r) => /^(SEARCH|SCAN) /.test(r.detail) && under(r)).map((r) => visited(plan, r, tableOf)))
}

/** The plan; the parameters are bound to NULL (better-sqlite3 wants as many as the SQL has). */
function explain(db: Sqlite, sql: string): PlanRow[] {
  const stmt = db.prepare(`EXPLAIN QUERY PLAN ${sql}`)
  for (let n = 0; ; n++) {
    try {
      return stmt.all(...Array<null>(n).fill(null)) as PlanRow[]
    } catch (err) {
      if (!(err instanceof RangeError) || !/too few/i.test(err.message)) throw err
    }
  }
}

/** The 集計's percentiles of the time to approval over a period (services/figures.ts). */
const isPeriodPercentile = (sql: string) => /\bOVER \(PARTITION BY kind ORDER BY ms\)/.test(sql) && /\br\.business_date BETWEEN \? AND \?/.test(sql)

/** What breaks the rule in one statement's plan ([] if nothing). */
function violations(db: Sqlite, sql: string): string[] {
  const plan = explain(db, sql)
  // Aliases (FROM otp_history h, JOIN staff receiver) back to their tables.
  const alias = new Map<string, string>()
  for (const m of sql.matchAll(/\b(?:from|join)\s+"?(\w+)"?(?:\s+(?:as\s+)?"?(\w+)"?)?/gi)) {
    alias.set(m[1]!, m[1]!)
    if (m[2] && !/^(on|where|inner|left|join|order|group|limit|set|values)$/i.test(m[2])) alias.set(m[2], m[1]!)
  }
  const tableOf = (name: string) => alias.get(name) ?? name
  // An INSERT's plan lists a scan of every table with a foreign key to the new row's table: SQLite
  // runs it only while a deferred foreign-key violation is outstanding, which never happens here
  // (foreign keys are immediate), so those lines are not work the statement does.
  const target = /^insert into "(\w+)"/i.exec(sql)?.[1]
  const fkChildren = new Set(target ? [...GROWING].filter((t) => (db.pragma(`foreign_key_list(${t})`) as { table: string }[]).some((fk) => fk.table === target)) : [])
  const out: string[] = []
  // A count a screen shows beside a paged list (the 検印 queue, the 差戻し一覧) counts more than a
  // screen of rows: it must read them from an index alone, not each from the table. (A count of
  // one business day is bounded by a day's work, ~2,000 rows, whatever the ledger's size, if it
  // is searched by that day.)
  const counted = /^select count\(\*\) from "(\w+)"/i.exec(sql)?.[1]
  const countSearch = counted && GROWING.has(counted) ? plan.find((r) => r.detail.startsWith(`SEARCH ${counted} `)) : undefined
  if (countSearch && !/\bbusiness_date=\?/.test(countSearch.detail) && !/USING (COVERING INDEX|INTEGER PRIMARY KEY)/.test(countSearch.detail) && searchRows(countSearch.detail) > SCREEN_ROWS)
    out.push(`count of ~${searchRows(countSearch.detail)} rows read from the table: ${countSearch.detail}`)
  // The one report whose figure needs the period's values in order: the 集計's median and 90th
  // percentile of the time to approval (window functions over the period's approved requests). It
  // may sort the rows its search of the period finds (bounded by the period, at most 5 years,
  // periodSchema), provided every growing table is searched on that period's range of an index.
  const periodReport =
    isPeriodPercentile(sql) &&
    plan
      .filter((r) => /^(SEARCH|SCAN) /.test(r.detail) && GROWING.has(tableOf(/^(?:SEARCH|SCAN) (\S+)/.exec(r.detail)![1]!)))
      .every((r) => /^SEARCH .*\bbusiness_date>\? AND business_date<\?\)$/.test(r.detail))
  for (const row of plan) {
    const scan = /^SCAN (\w+)/.exec(row.detail)
    if (scan && GROWING.has(tableOf(scan[1]!)) && !fkChildren.has(tableOf(scan[1]!))) out.push(row.detail)
    if (/USE TEMP B-TREE/.test(row.detail) && !periodReport) {
      // The sort is bounded if the loop that feeds it (the first search of the same subquery) finds
      // at most a screen of rows.
      const feeder = plan.find((r) => r.parent === row.parent && /^(SEARCH|SCAN) /.test(r.detail))
      const rows = feeder ? visited(plan, feeder, tableOf) : Infinity
      if (rows > SCREEN_ROWS) out.push(`${row.detail} after ${feeder?.detail ?? '?'} (~${rows} rows)`)
    }
  }
  return out
}

/** Replaces the ledger's statistics with those of the same ledger grown to 1M customers: row counts
 * scale; an index prefix with few distinct values (states, kinds, branches, staff, outcomes) keeps
 * them, so its rows per key scale too; a prefix with a column that grows with the ledger (a
 * customer or request id, a name, a time) keeps its rows per key. */
function statisticsOf1M(db: Sqlite): void {
  db.exec('ANALYZE')
  const factor = TARGET / GENERATED
  const rows = db.prepare('SELECT tbl, idx, stat FROM sqlite_stat1').all() as { tbl: string; idx: string | null; stat: string }[]
  // Samples of values (stat4) describe the small ledger only, and would plan the NULL parameters
  // bound below as matching nothing: dropped.
  db.exec('DELETE FROM sqlite_stat1; DROP TABLE IF EXISTS sqlite_stat4')
  const ins = db.prepare('INSERT INTO sqlite_stat1(tbl, idx, stat) VALUES (?, ?, ?)')
  for (const r of rows) {
    const [n, ...perKey] = r.stat.split(' ').filter((x) => /^\d+$/.test(x)).map(Number) as [number, ...number[]]
    if (!GROWING.has(r.tbl) || !r.idx) {
      ins.run(r.tbl, r.idx, GROWING.has(r.tbl) ? String(Math.round(n * factor)) : r.stat)
      continue
    }
    const cols = (db.pragma(`index_info(${r.idx})`) as { name: string | null }[]).map((c) => c.name)
    const fks = db.pragma(`foreign_key_list(${r.tbl})`) as { from: string; table: string }[]
    const grows = (col: string | null) => col === null || fks.some((fk) => fk.from === col && GROWING.has(fk.table))
    const scaled = perKey.map((k, i) => {
      const prefix = cols.slice(0, i + 1)
      if (prefix.some(grows)) return k
      const list = prefix.map((c) => `"${c}"`).join(', ')
      const distinct = (db.prepare(`SELECT count(*) AS n FROM (SELECT DISTINCT ${list} FROM "${r.tbl}")`).get() as { n: number }).n
      return distinct <= FEW_VALUES ? Math.round(k * factor) : k
    })
    stats1M.set(r.idx, { table: r.tbl, perKey: scaled })
    ins.run(r.tbl, r.idx, [Math.round(n * factor), ...scaled].join(' '))
  }
  db.exec('ANALYZE sqlite_schema') // the planner reads the statistics again
}

beforeAll(async () => {
  const dir = tempDir()
  await generateLedger(dir, GENERATED)
  app = await createTestApp({ dir, now: new Date('2026-11-20T05:00:00Z') })
  app.ctx.ledger = openedSqliteLedger(app.ctx.sqlite, { onPrepare: (sql) => statements.add(sql) })
  app.ctx.db = app.ctx.ledger.db
  await counterDay(app)
}, 180_000)

afterAll(() => {
  const dir = app?.dir
  app?.close()
  if (dir) fs.rmSync(dir, { recursive: true, force: true })
})

describe('the journal of the counter day', () => {
  it('verifies in full against every table, every entry attributed', () => {
    expectLedgerVerifies(app.ctx)
  })
})

describe('query plans of every statement the services issue', () => {
  it('captured the statements of every screen (the scenario above ran)', () => {
    const all = [...statements].join('\n')
    for (const table of GROWING) expect(all, table).toContain(`"${table}"`)
    // The 検印 queue's and 差戻し一覧's screens (a keyset after the last row shown, bounded) and their counts.
    const screens = [...statements].filter((s) => /"received_at", "otp_requests"\."id"\) > \(\+\?, \+\?\)\) order by .* limit \d+$/.test(s))
    expect(screens.filter((s) => /"otp_requests"\."state" = '(pending_review|returned)'/.test(s))).toHaveLength(2)
    // The 日次取扱一覧's pages the same way (keyset, day keys as `+?`, literal LIMIT): each filter
    // shape, a page of 2 (3 read) and of the default 50 (51 read).
    const journalPages = screens.filter((s) => s.includes('"otp_requests"."business_date" = +?'))
    expect(journalPages.map((s) => /limit (\d+)$/.exec(s)![1]).sort()).toEqual(['3', '51', '51', '51', '51'])
    expect(journalPages.every((s) => !/ = \?/.test(s))).toBe(true)
    // The queue is one branch's (issue 12): counted on otp_requests_state_branch_idx (0014).
    expect([...statements]).toContain(`select count(*) from "otp_requests" where ("otp_requests"."state" = 'pending_review' and "otp_requests"."branch_id" = +?)`)
    expect([...statements]).toContainEqual(expect.stringMatching(/^select count\(\*\) from "otp_requests" where \("otp_requests"\."state" = 'returned' and "otp_requests"\."branch_id" = \(SELECT b\.id FROM branches b WHERE b\.code = \?\)\)$/))
    expect(statements.size).toBeGreaterThan(40)
    // The screens opened beside the counter: 集計 (one branch and all), the keyset pages of the CSV
    // exports of the requests (all branches, one, filtered) and of the customers (all, one branch)
    // through ledger.rows, the 監査ログ's export.
    const all2 = [...statements]
    expect(all2.filter((s) => s.includes('GROUP BY r.business_date, r.branch_id, r.kind'))).toHaveLength(2)
    expect(all2.filter(isPeriodPercentile)).toHaveLength(2)
    expect(all2.filter((s) => s.includes('+r.receipt_no > ?')).length).toBeGreaterThanOrEqual(4)
    expect(all2.some((s) => s.includes('(account_branch_code, account_type, account_number) > (?, ?, ?)'))).toBe(true)
    expect(all2.some((s) => s.includes('account_branch_code = ? AND (account_type, account_number) > (?, ?)'))).toBe(true)
  })

  it('no SCAN of a growing table and no unbounded sort, on a ledger without statistics', () => {
    const db = app.ctx.sqlite
    db.exec('DROP TABLE IF EXISTS sqlite_stat1; DROP TABLE IF EXISTS sqlite_stat4')
    db.exec('ANALYZE sqlite_schema')
    statisticsOf1M(db) // only to know the rows per key the sort rule needs
    db.exec('DROP TABLE sqlite_stat1')
    db.exec('ANALYZE sqlite_schema')
    const bad = [...statements].map((sql) => ({ sql, why: violations(db, sql) })).filter((v) => v.why.length)
    expect(bad).toEqual([])
  })

  it('no SCAN of a growing table and no unbounded sort, with the statistics of 1,000,000 customers', () => {
    const db = app.ctx.sqlite
    statisticsOf1M(db)
    expect(stats1M.get('otp_history_customer_idx')?.perKey[0]).toBeLessThan(20) // ~5 history rows a customer, whatever the size
    expect(stats1M.get('otp_requests_state_idx')?.perKey[0]).toBeGreaterThan(1000) // a state holds many requests at 1M
    // The 差戻し一覧's page and count read the branch's returned requests only (0014).
    const returnedList = [...statements].filter((s) => s.includes('"otp_requests"."branch_id" = (SELECT b.id FROM branches b WHERE b.code = ?)'))
    expect(returnedList).toHaveLength(2)
    for (const s of returnedList) expect(explain(db, s)[0]?.detail).toMatch(/^SEARCH otp_requests USING (COVERING )?INDEX otp_requests_state_branch_idx \(state=\? AND branch_id=\?/)
    const bad = [...statements].map((sql) => ({ sql, why: violations(db, sql) })).filter((v) => v.why.length)
    expect(bad).toEqual([])
  })
})
