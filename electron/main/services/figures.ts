// 集計 (supervisors their branch, the head office any or all): counts of requests by month, kind and branch, unlocks and repeated unlocks,
// and the time from reception to approval (median and 90th percentile), for any period. Every
// figure is aggregated by SQLite over the period's requests, read through the business-date index
// (0007); no request row is loaded into the process.
import { embeddedLedger } from '../embedded'
import type { OpParsed } from '../../../shared/contract'
import type { FiguresSummary } from '../../../shared/exportFormat'
import { REQUEST_KIND_LABELS, REQUEST_KINDS, type RequestKind } from '../../../shared/status'
import type { AppContext } from '../context'
import { branchFilter } from './branchScope'
import { requireUser, type Caller } from './caller'

type Period = Pick<OpParsed<'figures.summary'>, 'from' | 'to' | 'branchCode'>

/** The figures the caller may see: a supervisor's branch; every branch, or one, for the head office. */
export function summarizeFigures(ctx: AppContext, period: Period, caller: Caller): FiguresSummary {
  const p = { ...period, branchCode: branchFilter(requireUser(caller), period.branchCode) }
  const branch = p.branchCode ? 'AND r.branch_id = (SELECT id FROM branches WHERE code = @branchCode)' : ''
  const params = p.branchCode ? { from: p.from, to: p.to, branchCode: p.branchCode } : { from: p.from, to: p.to }
  const inPeriod = `r.business_date BETWEEN @from AND @to ${branch}`
  const sqlite = embeddedLedger(ctx, '集計')
  const byMonth = sqlite
    .prepare(`SELECT substr(r.business_date, 1, 7) AS month, r.kind, count(*) AS count FROM otp_requests r WHERE ${inPeriod} GROUP BY month, r.kind ORDER BY month, r.kind`)
    .all(params) as FiguresSummary['byMonth']
  const byBranch = sqlite
    .prepare(
      `SELECT b.code AS branchCode, b.name AS branchName, r.kind, count(*) AS count FROM otp_requests r JOIN branches b ON b.id = r.branch_id
       WHERE ${inPeriod} GROUP BY b.code, r.kind ORDER BY b.code, r.kind`,
    )
    .all(params) as FiguresSummary['byBranch']
  const unlocks = sqlite
    .prepare(
      `SELECT count(*) AS received, coalesce(sum(r.state = 'approved'), 0) AS approved,
         coalesce(sum(r.state = 'approved' AND (r.repeat_unlock_acknowledged = 1 OR r.repeat_unlock_count > 0)), 0) AS repeated
       FROM otp_requests r WHERE ${inPeriod} AND r.kind = 'unlock'`,
    )
    .get(params) as FiguresSummary['unlocks']
  // Nearest-rank percentiles: the value at rank ceil(n * p), with window functions over each kind
  // and over all kinds together.
  const approval = sqlite
    .prepare(
      `WITH d AS (
         SELECT r.kind, (julianday(r.reviewed_at) - julianday(r.received_at)) * 1440.0 AS minutes
         FROM otp_requests r WHERE ${inPeriod} AND r.state = 'approved' AND r.reviewed_at IS NOT NULL),
       both_ AS (SELECT kind, minutes FROM d UNION ALL SELECT 'all', minutes FROM d),
       ranked AS (
         SELECT kind, minutes, row_number() OVER (PARTITION BY kind ORDER BY minutes) AS rn, count(*) OVER (PARTITION BY kind) AS n FROM both_)
       SELECT kind, max(n) AS count,
         max(CASE WHEN rn = (n * 50 + 99) / 100 THEN minutes END) AS medianMinutes,
         max(CASE WHEN rn = (n * 90 + 99) / 100 THEN minutes END) AS p90Minutes
       FROM ranked GROUP BY kind`,
    )
    .all(params) as FiguresSummary['approval']
  const order = (k: string) => (k === 'all' ? -1 : REQUEST_KINDS.indexOf(k as RequestKind))
  approval.sort((a, b) => order(a.kind) - order(b.kind))
  for (const a of approval) {
    a.medianMinutes = a.medianMinutes === null ? null : Math.round(a.medianMinutes * 10) / 10
    a.p90Minutes = a.p90Minutes === null ? null : Math.round(a.p90Minutes * 10) / 10
  }
  return { from: p.from, to: p.to, branchCode: p.branchCode ?? null, byMonth, byBranch, unlocks, approval }
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
