// 監査ログ照会 (issue 15): the audit trail, newest first, page by page, filtered by period, staff,
// action, outcome, customer and 受付番号; one entry opened with what it changed. Whom a caller may
// see is decided in branchScope.ts, once for every screen: roles in ALL_BRANCH_ROLES (管理者, 本部)
// see every branch, everyone else their own branch. Every read is itself on the trail.
//
// Each filter is an equality on an indexed column of audit_log (0011) followed by the period on
// `at`, and the pages follow (at, id) downwards: whichever index the filter picks, SQLite reads
// the page's rows in order and stops, without a sort, however large the trail grows.
import { sql, type SQL } from 'drizzle-orm'
import {
  AUDIT_PAGE_SIZE,
  type AuditCursor,
  type AuditEntryDetail,
  type AuditEntrySummary,
  type AuditFilter,
  type AuditPage,
} from '../../../shared/auditLog'
import type { OpParsed } from '../../../shared/contract'
import { addDays } from '../../../shared/datetime'
import { AppError } from '../../../shared/errors'
import type { SessionUser } from '../../../shared/types'
import { writeAudit } from '../audit'
import type { AppContext } from '../context'
import { requireUser, type Caller } from './caller'
import { branchByCode, OTHER_BRANCH_FIELD, seesAllBranches } from './branchScope'

interface Scope {
  allBranches: boolean
  branchId: number | null
  branchCode: string | null
}

async function branchIdOf(ctx: AppContext, code: string): Promise<number | null> {
  return (await branchByCode(ctx.db, code))?.id ?? null
}

export async function auditScope(ctx: AppContext, user: SessionUser): Promise<Scope> {
  if (seesAllBranches(user)) return { allBranches: true, branchId: null, branchCode: null }
  return { allBranches: false, branchId: await branchIdOf(ctx, user.branchCode), branchCode: user.branchCode }
}

/** UTC instants bounding a period of Japan business dates. */
function periodBounds(from: string, to: string): { from: string; to: string } {
  return { from: new Date(`${from}T00:00:00+09:00`).toISOString(), to: new Date(`${addDays(to, 1)}T00:00:00+09:00`).toISOString() }
}

/** The WHERE conditions of a filter within a scope, or null when a named staff, account or
 * 受付番号 does not exist (nothing can match). */
async function conditions(ctx: AppContext, scope: Scope, f: AuditFilter): Promise<SQL[] | null> {
  const { from, to } = periodBounds(f.from, f.to)
  const where: SQL[] = [sql`a.at >= ${from}`, sql`a.at < ${to}`]
  if (!scope.allBranches) where.push(sql`a.branch_id = ${scope.branchId ?? -1}`)
  if (f.branchCode) {
    if (!scope.allBranches && f.branchCode !== scope.branchCode)
      throw new AppError('VALIDATION_FAILED', undefined, { branchCode: OTHER_BRANCH_FIELD })
    if (scope.allBranches) {
      const id = await branchIdOf(ctx, f.branchCode)
      if (id === null) return null
      where.push(sql`a.branch_id = ${id}`)
    }
  }
  if (f.staffLoginId) {
    const s = (await ctx.ledger.rows<{ id: number }>(sql`SELECT id FROM staff WHERE login_id = ${f.staffLoginId}`))[0]
    if (!s) return null
    where.push(sql`a.actor_id = ${s.id}`)
  }
  if (f.action) where.push(sql`a.action = ${f.action}`)
  if (f.outcome) where.push(sql`a.outcome = ${f.outcome}`)
  if (f.customerId) where.push(sql`a.customer_id = ${f.customerId}`)
  if (f.accountBranchCode && f.accountNumber) {
    // One account number may be held in several deposit types: a few customers at most.
    const ids = (
      await ctx.ledger.rows<{ id: number }>(sql`SELECT id FROM customers WHERE account_branch_code = ${f.accountBranchCode} AND account_number = ${f.accountNumber}`)
    ).map((c) => c.id)
    if (!ids.length) return null
    where.push(ids.length === 1 ? sql`a.customer_id = ${ids[0]}` : sql`a.customer_id IN (${sql.join(ids.map((id) => sql`${id}`), sql`, `)})`)
  }
  if (f.receiptNo) {
    const r = (await ctx.ledger.rows<{ id: number }>(sql`SELECT id FROM otp_requests WHERE receipt_no = ${f.receiptNo}`))[0]
    if (!r) return null
    where.push(sql`a.request_id = ${r.id}`)
  }
  return where
}

interface Row {
  id: number
  at: string
  branch_id: number | null
  actor_login_id: string | null
  actor_name: string | null
  branch_code: string | null
  branch_name: string | null
  action: string
  outcome: AuditEntrySummary['outcome']
  request_id: number | null
  receipt_no: string | null
  customer_id: number | null
  customer_name: string | null
  account_branch_code: string | null
  account_type: AuditEntrySummary['accountType']
  account_number: string | null
  reason: string | null
  target: string | null
  detail_json: string | null
}

const SELECT = sql`SELECT a.id, a.at, a.branch_id, a.actor_login_id, s.name AS actor_name, b.code AS branch_code, b.name AS branch_name,
  a.action, a.outcome, a.request_id, r.receipt_no, a.customer_id, c.name_kanji AS customer_name,
  c.account_branch_code, c.account_type, c.account_number, json_extract(a.detail_json, '$.reason') AS reason,
  a.target, a.detail_json
  FROM audit_log a
  LEFT JOIN staff s ON s.id = a.actor_id
  LEFT JOIN branches b ON b.id = a.branch_id
  LEFT JOIN otp_requests r ON r.id = a.request_id
  LEFT JOIN customers c ON c.id = a.customer_id`

function summaryOf(r: Row): AuditEntrySummary {
  return {
    id: r.id,
    at: r.at,
    actorLoginId: r.actor_login_id,
    actorName: r.actor_name,
    branchCode: r.branch_code,
    action: r.action,
    outcome: r.outcome,
    requestId: r.request_id,
    receiptNo: r.receipt_no,
    customerId: r.customer_id,
    customerName: r.customer_name,
    accountBranchCode: r.account_branch_code,
    accountType: r.account_type,
    accountNumber: r.account_number,
    reason: r.reason === null ? null : String(r.reason).slice(0, 200),
  }
}

/** One page of entries, newest first, after `cursor`. */
async function page(ctx: AppContext, where: SQL[], cursor: AuditCursor | null | undefined, limit: number): Promise<{ rows: Row[]; next: AuditCursor | null }> {
  const all = cursor ? [...where, sql`(a.at, a.id) < (${cursor.at}, ${cursor.id})`] : where
  const rows = await ctx.ledger.rows<Row>(sql`${SELECT} WHERE ${sql.join(all, sql` AND `)} ORDER BY a.at DESC, a.id DESC LIMIT ${limit + 1}`)
  const more = rows.length > limit
  if (more) rows.pop()
  const last = rows[rows.length - 1]
  return { rows, next: more && last ? { at: last.at, id: last.id } : null }
}

/** Every entry of a filter, newest first, read page by page (for the CSV export). */
export async function* auditEntries(ctx: AppContext, user: SessionUser, f: AuditFilter): AsyncGenerator<AuditEntrySummary & { detailJson: string | null }> {
  const where = await conditions(ctx, await auditScope(ctx, user), f)
  if (!where) return
  let cursor: AuditCursor | null = null
  do {
    const p = await page(ctx, where, cursor, 500)
    for (const r of p.rows) yield { ...summaryOf(r), detailJson: r.detail_json }
    cursor = p.next
  } while (cursor)
}

/** The filter as recorded on the trail (what was asked, not what was found). */
export function filterOf(f: AuditFilter): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(f).filter(([k, v]) => v !== null && v !== undefined && v !== '' && k !== 'cursor' && k !== 'encoding'),
  )
}

export async function searchAuditLog(ctx: AppContext, input: OpParsed<'audit.search'>, caller: Caller): Promise<AuditPage> {
  const user = requireUser(caller)
  const scope = await auditScope(ctx, user)
  const where = await conditions(ctx, scope, input)
  const p = where ? await page(ctx, where, input.cursor, AUDIT_PAGE_SIZE) : { rows: [], next: null }
  await writeAudit(ctx.db, {
    at: ctx.clock().toISOString(),
    actorId: user.staffId,
    actorLoginId: user.loginId,
    action: 'audit.search',
    outcome: 'ok',
    detail: { filter: filterOf(input), page: input.cursor ? 'next' : 'first', rows: p.rows.length },
  })
  return { entries: p.rows.map(summaryOf), next: p.next, scope: { allBranches: scope.allBranches, branchCode: scope.branchCode } }
}

export async function getAuditEntry(ctx: AppContext, input: OpParsed<'audit.entry'>, caller: Caller): Promise<AuditEntryDetail> {
  const user = requireUser(caller)
  const scope = await auditScope(ctx, user)
  const r = (await ctx.ledger.rows<Row>(sql`${SELECT} WHERE a.id = ${input.entryId}`))[0]
  // Another branch's entry is answered like a missing one: its existence is not for this caller.
  if (!r || (!scope.allBranches && r.branch_id !== scope.branchId))
    throw new AppError('AUDIT_ENTRY_NOT_FOUND')
  await writeAudit(ctx.db, {
    at: ctx.clock().toISOString(),
    actorId: user.staffId,
    actorLoginId: user.loginId,
    action: 'audit.entry',
    outcome: 'ok',
    target: `audit:${r.id}`,
    detail: { entryId: r.id },
  })
  let detail: Record<string, unknown> | null = null
  try {
    detail = r.detail_json ? (JSON.parse(r.detail_json) as Record<string, unknown>) : null
  } catch {
    detail = { unreadable: r.detail_json }
  }
  return { ...summaryOf(r), branchName: r.branch_name, target: r.target, detail }
}
