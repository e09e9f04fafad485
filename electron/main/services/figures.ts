// 集計 (supervisors their branch, the head office any or all): counts of requests by month, kind and branch, unlocks and repeated unlocks,
// and the time from reception to approval (median and 90th percentile), for any period. Every
// figure is aggregated by the ledger's engine over the period's requests, read through the
// business-date index (0007); no request row is loaded into the process. One SQL text for both
// engines (SQLite's dialect, run on PostgreSQL through db/pg/translate.ts): flags are tested as
// booleans (SQLite's are 0/1), conditional counts are `count(*) FILTER (WHERE …)` (PostgreSQL has
// no sum(boolean)), every selected column is grouped, and the time to approval is taken in whole
// milliseconds (julianday()'s difference rounded: SQLite's is a double, PostgreSQL's a numeric,
// equal once rounded), so that both engines give the same figures to the last digit.
import { sql } from 'drizzle-orm'
import type { OpParsed } from '../../../shared/contract'
import type { FiguresSummary } from '../../../shared/exportFormat'
import { REQUEST_KIND_LABELS, REQUEST_KINDS, type RequestKind } from '../../../shared/status'
import type { AppContext } from '../context'
import { branchFilter } from './branchScope'
import { requireUser, type Caller } from './caller'

type Period = Pick<OpParsed<'figures.summary'>, 'from' | 'to' | 'branchCode'>

type Approval = Omit<FiguresSummary['approval'][number], 'medianMinutes' | 'p90Minutes'> & { medianMs: number | null; p90Ms: number | null }

/** Milliseconds as minutes to one decimal (half up). */
const minutes = (ms: number | null) => (ms === null ? null : Math.round(ms / 6000) / 10)

/** The figures the caller may see: a supervisor's branch; every branch, or one, for the head office. */
export async function summarizeFigures(ctx: AppContext, period: Period, caller: Caller): Promise<FiguresSummary> {
  const p = { ...period, branchCode: branchFilter(requireUser(caller), period.branchCode) }
  const branch = p.branchCode ? sql` AND r.branch_id = (SELECT id FROM branches WHERE code = ${p.branchCode})` : sql``
  const inPeriod = sql`r.business_date BETWEEN ${p.from} AND ${p.to}${branch}`
  // By month and by branch: the period's requests counted by day, branch and kind in the order of
  // otp_requests_business_date_idx (business_date, branch_id, kind), which holds all three: read
  // from the index alone and grouped as it streams, with no sort of the period's rows (a GROUP BY
  // month or branch sorted every request of the period first). `+r.branch_id` keeps the planner
  // on that index for one branch too (otp_requests_journal_idx lacks the kind, and would need the
  // sort); PostgreSQL drops the sign (translate.ts). The groups (at most days × branches × kinds)
  // are summed here by month and by branch.
  const byDay = await ctx.ledger.rows<{ day: string; branchId: number; kind: RequestKind; count: number }>(
    sql`SELECT r.business_date AS day, r.branch_id AS branchId, r.kind, count(*) AS count FROM otp_requests r
       WHERE r.business_date BETWEEN ${p.from} AND ${p.to}${p.branchCode ? sql` AND +r.branch_id = (SELECT id FROM branches WHERE code = ${p.branchCode})` : sql``}
       GROUP BY r.business_date, r.branch_id, r.kind`,
  )
  const branches = new Map(
    (await ctx.ledger.rows<{ id: number; code: string; name: string }>(sql`SELECT id, code, name FROM branches`)).map((b) => [Number(b.id), b]),
  )
  const months = new Map<string, FiguresSummary['byMonth'][number]>()
  const perBranch = new Map<string, FiguresSummary['byBranch'][number]>()
  for (const g of byDay) {
    const month = g.day.slice(0, 7)
    const m = months.get(`${month}\t${g.kind}`) ?? { month, kind: g.kind, count: 0 }
    m.count += Number(g.count)
    months.set(`${month}\t${g.kind}`, m)
    const b = branches.get(Number(g.branchId))!
    const t = perBranch.get(`${b.code}\t${g.kind}`) ?? { branchCode: b.code, branchName: b.name, kind: g.kind, count: 0 }
    t.count += Number(g.count)
    perBranch.set(`${b.code}\t${g.kind}`, t)
  }
  // In the order the SQL gave them (ORDER BY month, kind and code, kind: binary order of ASCII codes).
  const binary = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0)
  const byMonth = [...months.values()].sort((a, b) => binary(a.month, b.month) || binary(a.kind, b.kind))
  const byBranch = [...perBranch.values()].sort((a, b) => binary(a.branchCode, b.branchCode) || binary(a.kind, b.kind))
  const [unlocks] = await ctx.ledger.rows<FiguresSummary['unlocks']>(
    sql`SELECT count(*) AS received, count(*) FILTER (WHERE r.state = 'approved') AS approved,
         count(*) FILTER (WHERE r.state = 'approved' AND (r.repeat_unlock_acknowledged OR r.repeat_unlock_count > 0)) AS repeated
       FROM otp_requests r WHERE ${inPeriod} AND r.kind = 'unlock'`,
  )
  // Nearest-rank percentiles: the value at rank ceil(n * p), with window functions over each kind
  // and over all kinds together. They sort the period's approved requests (the one sort the
  // query-plan test allows a report: bounded by the period). `+r.state` keeps the planner on the
  // period's index entries: on otp_requests_state_branch_idx it read every approved request the
  // branch ever had.
  const approval = await ctx.ledger.rows<Approval>(
    sql`WITH d AS (
         SELECT r.kind, round((julianday(r.reviewed_at) - julianday(r.received_at)) * 86400000.0) AS ms
         FROM otp_requests r WHERE ${inPeriod} AND +r.state = 'approved' AND r.reviewed_at IS NOT NULL),
       both_ AS (SELECT kind, ms FROM d UNION ALL SELECT 'all', ms FROM d),
       ranked AS (
         SELECT kind, ms, row_number() OVER (PARTITION BY kind ORDER BY ms) AS rn, count(*) OVER (PARTITION BY kind) AS n FROM both_)
       SELECT kind, max(n) AS count,
         max(CASE WHEN rn = (n * 50 + 99) / 100 THEN ms END) AS medianMs,
         max(CASE WHEN rn = (n * 90 + 99) / 100 THEN ms END) AS p90Ms
       FROM ranked GROUP BY kind`,
  )
  const order = (k: string) => (k === 'all' ? -1 : REQUEST_KINDS.indexOf(k as RequestKind))
  approval.sort((a, b) => order(a.kind) - order(b.kind))
  return {
    from: p.from,
    to: p.to,
    branchCode: p.branchCode ?? null,
    byMonth,
    byBranch,
    unlocks: unlocks!,
    approval: approval.map((a) => ({ kind: a.kind, count: a.count, medianMinutes: minutes(a.medianMs), p90Minutes: minutes(a.p90Ms) })),
  }
}

/** The figures as one table (the screen's table and the CSV export). */
export function figuresTable(f: FiguresSummary): { header: string[]; rows: (string | number | null)[][] } {
  const rows: (string | number | null)[][] = []
  for (const m of f.byMonth) rows.push(['月別', m.month, REQUEST_KIND_LABELS[m.kind], m.count, null, null])
  for (const b of f.byBranch) rows.push(['店別', `${b.branchCode} ${b.branchName}`, REQUEST_KIND_LABELS[b.kind], b.count, null, null])
  rows.push(['閉塞解除', '受付', null, f.unlocks.received, null, null])
  rows.push(['閉塞解除', '承認', null, f.unlocks.approved, null, null])
  rows.push(['閉塞解除', 'うち短期間の繰り返し', null, f.unlocks.repeated, null, null])
  for (const a of f.approval)
    rows.push(['受付から承認まで', a.kind === 'all' ? 'すべて' : REQUEST_KIND_LABELS[a.kind], null, a.count, a.medianMinutes, a.p90Minutes])
  return { header: ['区分', '項目', '依頼種別', '件数', '中央値（分）', '90パーセンタイル（分）'], rows }
}
