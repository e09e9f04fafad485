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
  const byMonth = await ctx.ledger.rows<FiguresSummary['byMonth'][number]>(
    sql`SELECT substr(r.business_date, 1, 7) AS month, r.kind, count(*) AS count FROM otp_requests r WHERE ${inPeriod} GROUP BY month, r.kind ORDER BY month, r.kind`,
  )
  const byBranch = await ctx.ledger.rows<FiguresSummary['byBranch'][number]>(
    sql`SELECT b.code AS branchCode, b.name AS branchName, r.kind, count(*) AS count FROM otp_requests r JOIN branches b ON b.id = r.branch_id
       WHERE ${inPeriod} GROUP BY b.code, b.name, r.kind ORDER BY b.code, r.kind`,
  )
  const [unlocks] = await ctx.ledger.rows<FiguresSummary['unlocks']>(
    sql`SELECT count(*) AS received, count(*) FILTER (WHERE r.state = 'approved') AS approved,
         count(*) FILTER (WHERE r.state = 'approved' AND (r.repeat_unlock_acknowledged OR r.repeat_unlock_count > 0)) AS repeated
       FROM otp_requests r WHERE ${inPeriod} AND r.kind = 'unlock'`,
  )
  // Nearest-rank percentiles: the value at rank ceil(n * p), with window functions over each kind
  // and over all kinds together.
  const approval = await ctx.ledger.rows<Approval>(
    sql`WITH d AS (
         SELECT r.kind, round((julianday(r.reviewed_at) - julianday(r.received_at)) * 86400000.0) AS ms
         FROM otp_requests r WHERE ${inPeriod} AND r.state = 'approved' AND r.reviewed_at IS NOT NULL),
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
