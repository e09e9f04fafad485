// The query-plan rule of issue 11 on the PostgreSQL ledger (issue 12): every statement the services
// issue must use an index for its WHERE and ORDER BY at any size — no Seq Scan of a table that grows
// with the customers, their history, requests, prints, audit rows or the journal, and no sort over
// more than one screen of rows. tests/integration/query-plans.test.ts holds SQLite to it.
//
// The statements are not listed here: they are those of the counter day, 集計 and the CSV exports
// (tests/helpers/capturedStatements.ts), translated as the server ledger translates them
// (db/pg/translate.ts). The PostgreSQL ledger holds the same generated data (tests/bench/ledger.ts,
// copied by db/pg/copy.ts, then VACUUM ANALYZE). Each statement is PREPAREd as the application role
// and its generic plan read (plan_cache_mode = force_generic_plan, EXPLAIN (FORMAT JSON) EXECUTE
// with every parameter NULL): the plan every terminal runs whatever the values. Sequential scans
// are disabled (enable_seqscan = off), so a Seq Scan left in the plan means no index can serve the
// statement. A small ledger's statistics make a sort of its few rows look cheaper than an ordered
// index scan, so a statement whose plan breaks the rule is planned again with sorts disabled too
// (enable_sort = off): it passes if either plan keeps the rule (an index can serve it), and the
// failure shows both plans.
//
// A sort is bounded when every growing table under it is read through an index whose equality
// conditions select at most a screen of rows at 1,000,000 customers, estimated as the SQLite test
// does: the rows per key of those columns in the generated ledger, scaled to 1M when the columns
// hold few distinct values (states, kinds, branches, staff, outcomes), kept when one of them grows
// with the ledger (an id, a key of a growing table, a name, a time). An Incremental Sort sorts each
// group of rows with equal presorted keys on its own: the group is what must be bounded. Above an
// aggregate whose group keys hold few values, a sort sorts the groups. Two exceptions, both of
// 集計: rows sorted to be grouped over an index range on business_date are the period the screen
// asks for, however large the ledger. An index range read with a selective Filter is accepted, as
// SQLite's SEARCH is (neither test sees how many rows a filter discards).
import os from 'node:os'
import path from 'node:path'
import type pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { copyToPg } from '../../db/pg/copy'
import { translateSql } from '../../db/pg/translate'
import { LEDGER_FILE } from '../../electron/main/ledger'
import { writeArchive } from '../bench/ledger'
import type { TestApp } from '../helpers/app'
import { captureServiceStatements, disposeCapturedDay } from '../helpers/capturedStatements'
import { createTestLedger, type TestLedger } from '../helpers/pg'

/** Tables whose rows grow with the customers and the years (those of the SQLite test, and the
 * server's archive of PDFs and the journal). */
const GROWING = new Set([
  'customers', 'otp_history', 'otp_requests', 'otp_request_versions', 'audit_log', 'printed_forms', 'printed_form_files',
  'receipt_counters', 'counter_refusals', 'request_submissions', 'ledger_journal', 'ledger_journal_rows',
])
/** One screen of rows: a sort over at most this many is harmless. */
const SCREEN_ROWS = 100
const GENERATED = 3_000
/** A set of columns with at most this many distinct values has as many at 1M customers. */
const FEW_VALUES = 50
const TARGET = 1_000_000

let app: TestApp
let statements: Set<string>
let l: TestLedger
let client: pg.Client
/** index name -> its table. */
const indexTable = new Map<string, string>()
/** table -> columns that grow with the ledger: its primary key's, and those referencing a growing table. */
const growingColumns = new Map<string, Set<string>>()
/** table -> its columns. */
const tableColumns = new Map<string, Set<string>>()

interface PlanNode {
  'Node Type': string
  'Relation Name'?: string
  'Index Name'?: string
  'Index Cond'?: string
  'Recheck Cond'?: string
  'Presorted Key'?: string[]
  'Group Key'?: string[]
  Alias?: string
  Filter?: string
  Plans?: PlanNode[]
}

beforeAll(async () => {
  ;({ app, statements } = await captureServiceStatements(GENERATED, async (dir) => {
    // The generated ledger records prints without their PDFs: the copy carries and checks them.
    writeArchive(dir)
    l = await createTestLedger()
    const owner = await l.owner()
    try {
      await copyToPg({ sqliteFile: path.join(dir, LEDGER_FILE), client: owner, appRole: l.appRole, osUser: os.userInfo().username })
      await owner.query('VACUUM ANALYZE')
    } finally {
      await owner.end()
    }
  }))
  client = await l.app()
  const indexes = await client.query<{ i: string; t: string }>(
    `SELECT indexname AS i, tablename AS t FROM pg_indexes WHERE schemaname = 'public'`,
  )
  for (const r of indexes.rows) indexTable.set(r.i, r.t)
  const columns = await client.query<{ t: string; c: string }>(
    `SELECT table_name AS t, column_name AS c FROM information_schema.columns WHERE table_schema = 'public'`,
  )
  for (const r of columns.rows) tableColumns.set(r.t, (tableColumns.get(r.t) ?? new Set()).add(r.c))
  const keys = await client.query<{ t: string; c: string; ref: string | null; p: boolean }>(
    `SELECT c.relname AS t, a.attname AS c, r.relname AS ref, k.contype = 'p' AS p
       FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid LEFT JOIN pg_class r ON r.oid = k.confrelid
       CROSS JOIN LATERAL unnest(k.conkey) AS u(n) JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = u.n
      WHERE k.contype IN ('p', 'f') AND c.relnamespace = 'public'::regnamespace`,
  )
  for (const r of keys.rows)
    if (r.p || (r.ref && GROWING.has(r.ref))) {
      if (!growingColumns.has(r.t)) growingColumns.set(r.t, new Set())
      growingColumns.get(r.t)!.add(r.c)
    }
  await client.query('SET plan_cache_mode = force_generic_plan')
  await client.query('SET enable_seqscan = off')
}, 300_000)

afterAll(async () => {
  disposeCapturedDay(app)
  await client?.end()
  await l?.drop()
})

let prepared = 0
/** The generic plan of a SQLite-dialect statement, as the server ledger runs it. */
async function genericPlan(sql: string): Promise<PlanNode> {
  const { text, params } = translateSql(sql)
  const name = `otp_plan_${++prepared}`
  await client.query(`PREPARE ${name} AS ${text}`)
  try {
    const args = params ? `(${Array<string>(params).fill('NULL').join(', ')})` : ''
    const r = await client.query<{ 'QUERY PLAN': Array<{ Plan: PlanNode }> }>(`EXPLAIN (FORMAT JSON) EXECUTE ${name}${args}`)
    return r.rows[0]!['QUERY PLAN'][0]!.Plan
  } finally {
    await client.query(`DEALLOCATE ${name}`)
  }
}

function* nodes(n: PlanNode): Generator<PlanNode> {
  yield n
  for (const c of n.Plans ?? []) yield* nodes(c)
}

const tableOf = (n: PlanNode) => n['Relation Name'] ?? (n['Index Name'] ? indexTable.get(n['Index Name']) : undefined)
const isIndexScan = (n: PlanNode) => /^(Index Scan|Index Only Scan|Bitmap Index Scan)$/.test(n['Node Type'])

/** The columns an index condition binds by equality (`(col = …)`, `(col = ANY (…))`). */
function equalityColumns(cond: string | undefined): string[] {
  if (!cond) return []
  return [...new Set([...cond.matchAll(/\((?:\w+\.)?"?(\w+)"? = /g)].map((m) => m[1]!))]
}

const perKeyCache = new Map<string, number>()
/** Rows per value of `cols` in `table` at 1M customers (the SQLite test's scaling); rows where one
 * of them is NULL match no equality and are not counted. */
async function rowsPerKey(table: string, cols: string[]): Promise<number> {
  if (cols.length === 0) return Infinity
  const key = `${table}(${[...cols].sort().join(',')})`
  const known = perKeyCache.get(key)
  if (known !== undefined) return known
  const list = cols.map((c) => `"${c}"`).join(', ')
  const notNull = cols.map((c) => `"${c}" IS NOT NULL`).join(' AND ')
  const r = await client.query<{ n: string; d: string }>(`SELECT count(*) AS n, count(DISTINCT (${list}, true)) AS d FROM "${table}" WHERE ${notNull}`)
  const n = Number(r.rows[0]!.n)
  const d = Math.max(1, Number(r.rows[0]!.d))
  const grows = cols.some((c) => growingColumns.get(table)?.has(c) || /(^|_)at$/.test(c)) // a key, or a time
  const out = grows || d > FEW_VALUES ? Math.ceil(n / d) : Math.ceil((n / d) * (TARGET / GENERATED))
  perKeyCache.set(key, out)
  return out
}

/** The rows a sort node sorts at once, read from scan `s` of `table`: those of one value of the
 * scan's equality columns, and for an Incremental Sort, of one value of its presorted keys too
 * (it sorts each group of rows with equal presorted keys on its own). */
function sortedTogether(sort: PlanNode, s: PlanNode, table: string): string[] {
  const cols = new Set(equalityColumns(s['Index Cond']))
  if (sort['Node Type'] === 'Incremental Sort')
    for (const k of sort['Presorted Key'] ?? []) {
      const m = /^(?:"?(\w+)"?\.)?"?(\w+)"?$/.exec(k)
      if (m && (!m[1] || m[1] === s.Alias) && tableColumns.get(table)?.has(m[2]!)) cols.add(m[2]!)
    }
  return [...cols]
}

/** The nodes whose rows a sort sorts: those under it, down to an aggregate whose groups are few
 * (none of its group keys is a key or a time): above it, the sort sorts groups, not rows. */
function* sorted(n: PlanNode): Generator<PlanNode> {
  yield n
  for (const c of n.Plans ?? []) {
    const keys = c['Group Key'] ?? []
    if (c['Node Type'] === 'Aggregate' && keys.length > 0 && !keys.some((k) => /\b(id|\w+_id|at|\w+_at)\b/.test(k))) continue
    yield* sorted(c)
  }
}

/** What breaks the rule in one plan ([] if nothing). */
async function violations(sql: string, plan: PlanNode): Promise<string[]> {
  const out: string[] = []
  const parent = new Map<PlanNode, PlanNode>()
  for (const n of nodes(plan)) for (const c of n.Plans ?? []) parent.set(c, n)
  for (const n of nodes(plan)) {
    const table = tableOf(n)
    if (n['Node Type'] === 'Seq Scan' && table && GROWING.has(table)) out.push(`Seq Scan on ${table}${n.Filter ? ` (Filter: ${n.Filter})` : ''}`)
    if (isIndexScan(n) && table && GROWING.has(table) && !n['Index Cond'])
      out.push(`${n['Node Type']} of all of ${table} (${n['Index Name']}, no index condition${n.Filter ? `; Filter: ${n.Filter}` : ''})`)
    if (/Sort$/.test(n['Node Type'])) {
      const forGrouping = parent.get(n)?.['Node Type'] === 'Aggregate'
      for (const s of sorted(n)) {
        const t = tableOf(s)
        if (!t || !GROWING.has(t) || !(isIndexScan(s) || s['Node Type'] === 'Seq Scan')) continue
        // 集計: rows sorted to be grouped are those of the period the screen asks for (an index
        // range on business_date), however large the ledger; a list's sort is bounded by its keys.
        if (forGrouping && isIndexScan(s) && /\bbusiness_date [<>=]/.test(s['Index Cond'] ?? '')) continue
        const together = isIndexScan(s) ? sortedTogether(n, s, t) : []
        const rows = await rowsPerKey(t, together)
        if (rows > SCREEN_ROWS)
          out.push(`${n['Node Type']} over ~${rows} rows of ${t} at 1M customers (one value of (${together.join(', ')}); ${s['Node Type']}${s['Index Cond'] ? ` ${s['Index Cond']}` : ''})`)
      }
    }
  }
  // A count a screen shows beside a paged list counts more than a screen of rows: from an index
  // alone, not each row from the table (a count of one business day is bounded by a day's work).
  const counted = /"business_date" = \?/.test(sql) ? undefined : /^select count\(\*\) from "(\w+)"/i.exec(sql)?.[1]
  if (counted && GROWING.has(counted)) {
    for (const n of nodes(plan)) {
      if (tableOf(n) !== counted || !/^(Index Scan|Bitmap Heap Scan)$/.test(n['Node Type'])) continue
      const cond = n['Index Cond'] ?? n['Recheck Cond']
      const rows = await rowsPerKey(counted, equalityColumns(cond))
      if (rows > SCREEN_ROWS) out.push(`count of ~${rows} rows of ${counted} read from the table (${n['Node Type']} ${cond ?? ''})`)
    }
  }
  return out
}

const show = (plan: PlanNode) => JSON.stringify(plan, (k, v) => (/^(Startup Cost|Total Cost|Plan Rows|Plan Width|Parallel Aware|Async Capable|Parent Relationship|Scan Direction)$/.test(k) ? undefined : v), 1)

describe('query plans of every statement the services issue, on the PostgreSQL ledger', () => {
  it('the rule catches a scan, a full index scan and an unbounded sort (it cannot pass for want of looking)', async () => {
    const why = async (sql: string) => violations(sql, await genericPlan(sql))
    expect(await why('select "id" from "customers" where "customers"."phone" = ?')).toEqual([expect.stringMatching(/^Seq Scan on customers/)])
    expect(await why('select "id" from "otp_history" where "otp_history"."note" = ? order by "otp_history"."id" limit 10')).toEqual([
      expect.stringMatching(/^Index Scan of all of otp_history \(otp_history_pkey/),
    ])
    expect(await why('select "id" from "otp_requests" where "otp_requests"."state" = ? order by "otp_requests"."customer_id" limit 100')).toEqual([
      expect.stringMatching(/^Sort over ~\d{4,} rows of otp_requests at 1M customers \(one value of \(state\)/),
    ])
    // Bounded: one request's history, sorted (an equality on a key that grows with the ledger).
    expect(await why('select "id" from "otp_history" where "otp_history"."request_id" = ? order by "otp_history"."note"')).toEqual([])
  })

  it('no Seq Scan of a growing table and no unbounded sort, in the generic plan', async () => {
    expect(statements.size).toBeGreaterThan(90)
    const all = [...statements].join('\n')
    for (const table of GROWING) if (!['printed_form_files', 'ledger_journal', 'ledger_journal_rows', 'request_submissions'].includes(table)) expect(all, table).toContain(`"${table}"`)
    const bad: string[] = []
    let planned = 0
    for (const sql of statements) {
      const plan = await genericPlan(sql)
      planned++
      const why = await violations(sql, plan)
      if (why.length === 0) continue
      await client.query('SET enable_sort = off')
      let unsorted: PlanNode
      try {
        unsorted = await genericPlan(sql)
      } finally {
        await client.query('RESET enable_sort')
      }
      const why2 = await violations(sql, unsorted)
      if (why2.length === 0) continue
      bad.push(
        `${sql}\n  PostgreSQL: ${translateSql(sql).text}\n  ${why.join('\n  ')}\n  plan: ${show(plan)}\n  with enable_sort = off: ${why2.join('; ')}\n  plan: ${show(unsorted)}`,
      )
    }
    expect(planned).toBe(statements.size)
    expect(bad, `${bad.length} of ${planned} statements break the rule on PostgreSQL:\n\n${bad.join('\n\n')}`).toEqual([])
  })
})
