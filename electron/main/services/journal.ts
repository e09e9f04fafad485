// The 日次取扱一覧 as data: the branch's requests of one business date with what happened to each
// (差戻し, 再提出, 取消, 失効, 緊急停止), the 閉塞解除 risk flags, and the 閉塞解除 refused at the counter
// for suspected fraud. The PDF (forms.ts) and the on-screen list (journal.list) read the same rows;
// the screen reads one bounded page at a time through the journal index.
import { and, asc, eq, sql } from 'drizzle-orm'
import { alias } from 'drizzle-orm/sqlite-core'
import { keyPlaceholder, literalLimit, manyRows, preparedQuery } from '../../../db/prepared'
import { counterRefusals, customers, otpHistory, otpRequests, staff } from '../../../db/schema'
import { AppError } from '../../../shared/errors'
import type { OpParsed } from '../../../shared/contract'
import { japanDate } from '../../../shared/datetime'
import { REQUEST_KINDS, REQUEST_STATES, type RequestKind, type RequestState } from '../../../shared/status'
import type { JournalItem, JournalPage } from '../../../shared/types'
import type { Tx } from '../tx'
import type { AppContext } from '../context'
import { requireUser, type Caller } from './caller'
import { viewedBranch } from './branchScope'

type Db = AppContext['db'] | Tx

const receiver = alias(staff, 'receiver')
const reviewer = alias(staff, 'reviewer')
const taker = alias(staff, 'taker')
const successor = alias(otpRequests, 'successor')

const trailCount = (kind: string) =>
  sql<number>`(SELECT count(*) FROM otp_history h WHERE h.request_id = ${otpRequests.id} AND h.kind = ${sql.raw(`'${kind}'`)})`

/** The columns every journal line needs (the PDF adds the account). */
export const journalColumns = {
  id: otpRequests.id,
  receiptNo: otpRequests.receiptNo,
  receivedAt: otpRequests.receivedAt,
  kind: otpRequests.kind,
  state: otpRequests.state,
  urgent: otpRequests.urgent,
  customerId: otpRequests.customerId,
  customerName: customers.nameKanji,
  customerKana: customers.nameKana,
  accountBranchCode: customers.accountBranchCode,
  accountType: customers.accountType,
  accountNumber: customers.accountNumber,
  receivedByName: receiver.name,
  takenOverByName: taker.name,
  reviewedByName: reviewer.name,
  reviewedAt: otpRequests.reviewedAt,
  returnReason: otpRequests.returnReason,
  withdrawReason: otpRequests.withdrawReason,
  supersededByReceiptNo: successor.receiptNo,
  repeatUnlockAcknowledged: otpRequests.repeatUnlockAcknowledged,
  repeatUnlockCount: otpRequests.repeatUnlockCount,
  repeatUnlockDays: otpRequests.repeatUnlockDays,
  repeatUnlockLastAt: otpRequests.repeatUnlockLastAt,
  // 閉塞解除 only: ⑤ 他の人がコードを入力した可能性 as answered (the last answer given, after a 再提出).
  othersMayHaveTried: sql<number | null>`CASE WHEN ${otpRequests.kind} = 'unlock' THEN json_extract(${otpRequests.formJson}, '$.verification.othersMayHaveTried') END`,
  returnedCount: trailCount('request_returned'),
  resubmittedCount: trailCount('request_resubmitted'),
}

/** The journal's lines with their joins (the caller adds WHERE, ORDER BY, LIMIT). */
export function journalSelect(d: Db) {
  return d
    .select(journalColumns)
    .from(otpRequests)
    .innerJoin(customers, eq(customers.id, otpRequests.customerId))
    .innerJoin(receiver, eq(receiver.id, otpRequests.receivedBy))
    .leftJoin(reviewer, eq(reviewer.id, otpRequests.reviewedBy))
    .leftJoin(taker, eq(taker.id, otpRequests.takenOverBy))
    .leftJoin(successor, eq(successor.id, otpRequests.supersededBy))
}
export type JournalRowData = Awaited<ReturnType<ReturnType<typeof journalSelect>['all']>>[number]

type FlagInput = Pick<JournalItem, 'kind'> & {
  othersMayHaveTried: number | boolean | null
  repeatUnlockCount: number | null
  repeatUnlockDays: number | null
  customerId: number
}

/** The 閉塞解除 risk flags of a line, in Japanese: others may have tried codes, a repeated unlock,
 * a refusal for suspected fraud of the same customer that day. */
export function unlockFlags(r: FlagInput, refusedCustomers: ReadonlySet<number>): string[] {
  if (r.kind !== 'unlock') return []
  const out: string[] = []
  if (r.othersMayHaveTried === 1 || r.othersMayHaveTried === true) out.push('他の人がコードを入力した可能性あり')
  if (r.repeatUnlockCount !== null && r.repeatUnlockCount > 0 && r.repeatUnlockDays !== null)
    out.push(`${r.repeatUnlockDays}日以内に${r.repeatUnlockCount + 1}回目の閉塞解除`)
  if (refusedCustomers.has(r.customerId)) out.push('同日に不正利用の疑いでお断りあり')
  return out
}

/** What a line says beside its state: the 差戻し / 取消 / 失効 reason, an urgent stop, the trail. */
export function journalNote(r: {
  state: RequestState
  urgent: boolean
  returnReason: string | null
  withdrawReason: string | null
  supersededByReceiptNo: string | null
  takenOverByName: string | null
  returnedCount: number
  resubmittedCount: number
}): string | null {
  const parts: string[] = []
  if (r.urgent) parts.push('緊急停止（受付時に利用停止）')
  if (r.state === 'returned') parts.push(`差戻し：${r.returnReason ?? ''}`)
  if (r.state === 'withdrawn') parts.push(`取消：${r.withdrawReason ?? ''}`)
  if (r.state === 'superseded') parts.push(`失効：緊急停止 ${r.supersededByReceiptNo ?? ''} の受付による`)
  if (r.returnedCount > 0 && r.state !== 'returned') parts.push(`差戻し${r.returnedCount}回`)
  if (r.resubmittedCount > 0) parts.push(`再提出${r.resubmittedCount}回`)
  if (r.takenOverByName) parts.push(`引継ぎ：${r.takenOverByName}`)
  return parts.length ? parts.join('／') : null
}

export interface DayRefusal {
  at: string
  customerId: number
  customerName: string
  actorName: string
}

/** 閉塞解除 refused at the counter for suspected fraud on that day (counter_refusals). */
export async function dayRefusals(db: Db, branchId: number, businessDate: string): Promise<DayRefusal[]> {
  return preparedQuery(db, 'journal.refusals', (d) =>
    d
      .select({ at: counterRefusals.at, customerId: counterRefusals.customerId, customerName: customers.nameKanji, actorName: staff.name })
      .from(counterRefusals)
      .innerJoin(customers, eq(customers.id, counterRefusals.customerId))
      .innerJoin(staff, eq(staff.id, counterRefusals.staffId))
      // `+?` (keyPlaceholder): bound plainly, this ordered statement was compiled again on every call.
      .where(and(eq(counterRefusals.branchId, keyPlaceholder('branchId')), eq(counterRefusals.businessDate, keyPlaceholder('date'))))
      .orderBy(asc(counterRefusals.at), asc(counterRefusals.id))
      .prepare(),
  ).all({ branchId, date: businessDate })
}

/** The day's counts: by state and kind, and what happened on the way. */
export async function dayCounts(db: Db, branchId: number, businessDate: string, fraudRefusals: number): Promise<JournalPage['counts']> {
  const byState = Object.fromEntries(REQUEST_STATES.map((s) => [s, 0])) as Record<RequestState, number>
  const byKind = Object.fromEntries(REQUEST_KINDS.map((k) => [k, 0])) as Record<RequestKind, number>
  let urgentStops = 0
  const groups = await preparedQuery(db, 'journal.countsByStateKind', (d) =>
    d
      .select({ state: otpRequests.state, kind: otpRequests.kind, urgent: otpRequests.urgent, n: sql<number>`count(*)` })
      .from(otpRequests)
      // `+?`: bound plainly, these grouped statements were compiled again on every call (~15 µs each).
      .where(and(eq(otpRequests.branchId, keyPlaceholder('branchId')), eq(otpRequests.businessDate, keyPlaceholder('date'))))
      .groupBy(otpRequests.state, otpRequests.kind, otpRequests.urgent)
      .prepare(),
  ).all({ branchId, date: businessDate })
  for (const g of groups) {
    byState[g.state] += g.n
    byKind[g.kind] += g.n
    if (g.urgent) urgentStops += g.n
  }
  const trail = await preparedQuery(db, 'journal.trailCounts', (d) =>
    d
      .select({ kind: otpHistory.kind, n: sql<number>`count(*)` })
      .from(otpRequests)
      .innerJoin(otpHistory, eq(otpHistory.requestId, otpRequests.id))
      .where(and(eq(otpRequests.branchId, keyPlaceholder('branchId')), eq(otpRequests.businessDate, keyPlaceholder('date'))))
      .groupBy(otpHistory.kind)
      .prepare(),
  ).all({ branchId, date: businessDate })
  const n = (k: string) => trail.find((t) => t.kind === k)?.n ?? 0
  return {
    byState,
    byKind,
    returns: n('request_returned'),
    resubmissions: n('request_resubmitted'),
    withdrawals: n('request_withdrawn'),
    supersessions: n('request_superseded'),
    urgentStops,
    fraudRefusals,
  }
}

const PAGE = 50

/** One page of the on-screen 日次取扱一覧, in reception order, filtered by state and kind. */
export async function journalList(ctx: AppContext, input: OpParsed<'journal.list'>, caller: Caller): Promise<JournalPage> {
  const user = requireUser(caller)
  if (input.businessDate > japanDate(ctx.clock()))
    throw new AppError('JOURNAL_DATE_IN_FUTURE', undefined, { businessDate: '本日以前の日付を指定してください' })
  const branch = await viewedBranch(ctx.db, user, input.branchCode)
  const state = input.state ?? null
  const kind = input.kind ?? null
  const limit = input.limit ?? PAGE
  const [afterAt, afterId] = input.cursor ? (input.cursor.split('|') as [string, string]) : ['', '0']
  // The day's keys, the filters and the keyset bound as `+?` (keyPlaceholder) and the LIMIT written
  // into the SQL (literalLimit): bound plainly, SQLite compiled this ordered statement again on
  // every call. One prepared query per filter shape and page size. The page starts after the last
  // row shown: a row-value range on otp_requests_journal_idx (branch_id, business_date,
  // received_at, then the rowid), so a later page reads only its own rows.
  const k = (name: string) => keyPlaceholder(name)
  const dayOf = () => [eq(otpRequests.branchId, k('branchId')), eq(otpRequests.businessDate, k('date'))]
  // The state and kind filter the day's rows (`+col`: not a search key, so the day's index serves
  // the count too; on otp_requests_state_branch_idx it counted every request the branch ever had
  // in that state).
  const filters = () => [...(state ? [sql`+${otpRequests.state} = ${k('state')}`] : []), ...(kind ? [sql`+${otpRequests.kind} = ${k('kind')}`] : [])]
  const shape = `${+!!state}${+!!kind}`
  // The lines mapped by manyRows (db/prepared.ts), as the PDF's.
  const rows = await preparedQuery(ctx.db, `journal.page:${shape}:${limit + 1}`, (d) =>
    manyRows(
      journalSelect(d)
        .where(and(...dayOf(), ...filters(), sql`(${otpRequests.receivedAt}, ${otpRequests.id}) > (${k('afterAt')}, ${k('afterId')})`))
        .orderBy(asc(otpRequests.receivedAt), asc(otpRequests.id))
        .limit(literalLimit(limit + 1))
        .prepare(),
    ),
  )({ branchId: branch.id, date: input.businessDate, state, kind, afterAt, afterId: Number(afterId) })
  const total =
    (await preparedQuery(ctx.db, `journal.total:${shape}`, (d) =>
      d
        .select({ n: sql<number>`count(*)` })
        .from(otpRequests)
        .where(and(...dayOf(), ...filters()))
        .prepare(),
    ).get({ branchId: branch.id, date: input.businessDate, state, kind }))?.n ?? 0
  const refusals = await dayRefusals(ctx.db, branch.id, input.businessDate)
  const refused = new Set(refusals.map((r) => r.customerId))
  const page = rows.slice(0, limit)
  const last = page[page.length - 1]
  return {
    businessDate: input.businessDate,
    items: page.map((r) => ({
      id: r.id,
      receiptNo: r.receiptNo,
      receivedAt: r.receivedAt,
      kind: r.kind,
      state: r.state,
      urgent: r.urgent,
      customerId: r.customerId,
      customerName: r.customerName,
      receivedByName: r.receivedByName,
      takenOverByName: r.takenOverByName,
      reviewedByName: r.state === 'approved' ? r.reviewedByName : null,
      returnedCount: r.returnedCount,
      resubmittedCount: r.resubmittedCount,
      note: journalNote(r),
      flags: unlockFlags(r, refused),
    })),
    total,
    nextCursor: rows.length > limit && last ? `${last.receivedAt}|${last.id}` : null,
    counts: await dayCounts(ctx.db, branch.id, input.businessDate, refusals.length),
    refusals,
  }
}
