// Finding a customer at the counter, and the customer screen: status, history, requests.
import { and, asc, desc, eq, gte, lt, sql, type SQL } from 'drizzle-orm'
import { alias } from 'drizzle-orm/sqlite-core'
import { keyPlaceholder, literalLimit, preparedQuery } from '../../../db/prepared'
import { customers, otpHistory, otpRequests, staff } from '../../../db/schema'
import { AppError } from '../../../shared/errors'
import type { OpParsed } from '../../../shared/contract'
import { japanDate } from '../../../shared/datetime'
import { EVENT_KINDS, IMPLEMENTED_REQUEST_KINDS, REQUEST_KINDS, eventBlock, requestBlock } from '../../../shared/status'
import type { CustomerDetail, CustomerSummary, HistoryEntry, RequestPage, RequestSummary } from '../../../shared/types'
import type { z } from 'zod'
import type { requestPageSchema } from '../../../shared/schemas'
import type { AppContext } from '../context'

type RequestPageInput = z.output<typeof requestPageSchema>

const SEARCH_LIMIT = 100

const summaryColumns = {
  id: customers.id,
  nameKanji: customers.nameKanji,
  nameKana: customers.nameKana,
  branchCode: customers.accountBranchCode,
  accountType: customers.accountType,
  accountNumber: customers.accountNumber,
  ibContractId: customers.ibContractId,
  otpStatus: customers.otpStatus,
}

/** By kana key, then id: the order every search shows. */
const byKanaThenId = (a: { kanaKey: string; id: number }, b: { kanaKey: string; id: number }) =>
  a.kanaKey < b.kanaKey ? -1 : a.kanaKey > b.kanaKey ? 1 : a.id - b.id

type SearchKey = 'kanaKey' | 'givenKanaKey' | 'nameKey' | 'givenNameKey'

export async function searchCustomers(ctx: AppContext, q: OpParsed<'customers.search'>): Promise<CustomerSummary[]> {
  const params = {
    branchCode: q.branchCode,
    accountNumber: q.accountNumber.padStart(7, '0'),
    ibContractId: q.ibContractId,
  }
  if (!q.kana && !q.name) {
    // An exact key (店番+口座番号: one customer per 預金種目; IB契約者ID: one customer) finds at most
    // three rows: they are ordered here, not by SQLite, whose sort of them cost several times the
    // lookup itself.
    const rows = await exactSearch(ctx, q).all(params)
    if (rows.length > 1) rows.sort(byKanaThenId)
    return rows.map(({ kanaKey: _k, ...summary }) => summary)
  }
  // A name is looked for as the start of the whole name (姓から) and as the start of the given name
  // (名から): one index-served range query each, at most one screen of rows each, merged here.
  const typed = q.kana || q.name
  const keys: SearchKey[] = q.kana ? ['kanaKey', 'givenKanaKey'] : ['nameKey', 'givenNameKey']
  const found = new Map<number, CustomerSummary & { order: string }>()
  for (const key of keys) {
    for (const row of await nameSearch(ctx, key, !!q.branchCode).all({ ...params, from: typed, to: typed + '\uFFFF' })) found.set(row.id, row)
  }
  return [...found.values()]
    .sort((a, b) => (a.order < b.order ? -1 : a.order > b.order ? 1 : a.id - b.id))
    .slice(0, SEARCH_LIMIT)
    .map(({ order: _order, ...c }) => c)
}

/** By account or IB契約者ID: equality on a unique or narrow index. */
function exactSearch(ctx: AppContext, q: OpParsed<'customers.search'>) {
  const shape = `customers.search:${+!!q.branchCode}${+!!q.accountNumber}${+!!q.ibContractId}`
  return preparedQuery(ctx.db, shape, (db) => {
    const where: SQL[] = []
    const p = (name: string) => sql.placeholder(name)
    if (q.branchCode) where.push(eq(customers.accountBranchCode, p('branchCode')))
    if (q.accountNumber) where.push(eq(customers.accountNumber, p('accountNumber')))
    if (q.ibContractId) where.push(eq(customers.ibContractId, p('ibContractId')))
    return db
      .select({ ...summaryColumns, kanaKey: customers.kanaKey })
      .from(customers)
      .where(and(...where))
      .limit(literalLimit(SEARCH_LIMIT))
      .prepare()
  })
}

/** A prefix of one folded name key, as a range on its index (in the key's order, stopping at the
 * limit). The branch only filters: the unary + keeps SQLite from walking the branch's part of the
 * account index instead and sorting it. */
function nameSearch(ctx: AppContext, key: SearchKey, byBranch: boolean) {
  return preparedQuery(ctx.db, `customers.searchBy:${key}:${+byBranch}`, (db) => {
    const p = (name: string) => sql.placeholder(name)
    const col = customers[key]
    const where: SQL[] = [gte(col, p('from')), lt(col, p('to'))]
    if (byBranch) where.push(sql`+${customers.accountBranchCode} = ${p('branchCode')}`)
    return db
      .select({ ...summaryColumns, order: customers.kanaKey })
      .from(customers)
      .where(and(...where))
      .orderBy(asc(col), asc(customers.id))
      .limit(literalLimit(SEARCH_LIMIT))
      .prepare()
  })
}

const receiver = alias(staff, 'receiver')
const reviewer = alias(staff, 'reviewer')
const taker = alias(staff, 'taker')

/** Which requests a list shows, each with its order: one prepared query per kind of list. */
export type RequestListOf = { requestId: number } | { customerId: number } // newest first

/** The lists that grow with the ledger, read one screen at a time, oldest first. */
export type PagedRequestListOf =
  | { pendingInBranch: number } // the 検印 queue of a branch (its id)
  | { returnedInBranch: string } // the branch's returned requests (店番)

type ListKey = 'requestId' | 'customerId' | 'pendingInBranch' | 'returnedInBranch'

/** The columns of a RequestSummary; the lists that show more add theirs. */
export function requestSummaryColumns() {
  return {
    id: otpRequests.id,
    receiptNo: otpRequests.receiptNo,
    kind: otpRequests.kind,
    state: otpRequests.state,
    customerId: otpRequests.customerId,
    customerName: customers.nameKanji,
    customerKana: customers.nameKana,
    receivedAt: otpRequests.receivedAt,
    receivedByName: receiver.name,
    reviewedAt: otpRequests.reviewedAt,
    reviewedByName: reviewer.name,
    returnReason: otpRequests.returnReason,
    receivedByStaffId: otpRequests.receivedBy,
    resubmittedCount: sql<number>`(SELECT count(*) FROM otp_history h WHERE h.request_id = ${otpRequests.id} AND h.kind = 'request_resubmitted')`,
    version: otpRequests.version,
    urgent: otpRequests.urgent,
    takenOverByStaffId: otpRequests.takenOverBy,
    takenOverByName: taker.name,
  }
}
export const summaryJoins = { receiver, reviewer, taker }

// The states are written into the SQL, and the keyset's values bound as `+?` (keyPlaceholder): a
// bare bound value compared with the state index made SQLite compile the page's statement again on
// every call (~125 µs of a ~170 µs first screen at 10k customers).
// The queue of one branch: on otp_requests_state_branch_idx (state, branch_id, received_at), so a
// screen reads its branch's rows in order, whatever the other branches hold.
const pendingInBranchWhere = () => and(eq(otpRequests.state, sql`'pending_review'`), eq(otpRequests.branchId, keyPlaceholder('id')))

const returnedInBranchWhere = () =>
  and(eq(otpRequests.state, sql`'returned'`), eq(otpRequests.branchId, sql`(SELECT b.id FROM branches b WHERE b.code = ${sql.placeholder('id')})`))

function requestSummaryQuery(db: AppContext['db'], by: ListKey, limit = 0) {
  const where =
    by === 'requestId'
      ? eq(otpRequests.id, keyPlaceholder('id'))
      : by === 'customerId'
        ? eq(otpRequests.customerId, keyPlaceholder('id'))
        : by === 'pendingInBranch'
          ? pendingInBranchWhere()
          : returnedInBranchWhere()
  const paged = by === 'pendingInBranch' || by === 'returnedInBranch'
  const query = db
    .select(requestSummaryColumns())
    .from(otpRequests)
    .innerJoin(customers, eq(customers.id, otpRequests.customerId))
    .innerJoin(receiver, eq(receiver.id, otpRequests.receivedBy))
    .leftJoin(reviewer, eq(reviewer.id, otpRequests.reviewedBy))
    .leftJoin(taker, eq(taker.id, otpRequests.takenOverBy))
    // A screen starts after the last row of the one before: a row-value range on the state
    // index (state, received_at, then the rowid), so each screen reads only its own rows.
    .where(
      paged
        ? and(where, sql`(${otpRequests.receivedAt}, ${otpRequests.id}) > (${keyPlaceholder('afterAt')}, ${keyPlaceholder('afterId')})`)
        : where,
    )
    .orderBy(by === 'customerId' ? desc(otpRequests.receivedAt) : asc(otpRequests.receivedAt), asc(otpRequests.id))
    .$dynamic()
  return (paged ? query.limit(literalLimit(limit)) : query).prepare()
}

export async function requestSummaries(ctx: AppContext, of: RequestListOf): Promise<RequestSummary[]> {
  const by = 'requestId' in of ? 'requestId' : 'customerId'
  const query = preparedQuery(ctx.db, `requestSummaries:${by}`, (db) => requestSummaryQuery(db, by))
  return query.all({ id: 'requestId' in of ? of.requestId : of.customerId })
}

/** How many requests a paged list holds: counted on the state index (for the queue, from the index
 * alone; returned requests are few at any time). */
function requestCountQuery(db: AppContext['db'], by: 'pendingInBranch' | 'returnedInBranch') {
  return db
    .select({ n: sql<number>`count(*)` })
    .from(otpRequests)
    .where(by === 'pendingInBranch' ? pendingInBranchWhere() : returnedInBranchWhere())
    .prepare()
}

/** One screen of a list that grows with the ledger: `page.limit` rows after `page.after`, how many
 * the list holds, and where the next screen starts (null after the last). */
export async function requestPage(ctx: AppContext, of: PagedRequestListOf, page: RequestPageInput): Promise<RequestPage> {
  const by = 'pendingInBranch' in of ? 'pendingInBranch' : 'returnedInBranch'
  const id = 'returnedInBranch' in of ? of.returnedInBranch : of.pendingInBranch
  // One more row than asked: whether it comes back says if there is a next screen. One prepared
  // query per limit (at most REQUEST_PAGE_MAX of them; the screens ask for 50 at a time).
  const limit = page.limit + 1
  const rows = await preparedQuery(ctx.db, `requestPage:${by}:${limit}`, (db) => requestSummaryQuery(db, by, limit)).all({
    id,
    // Before every row: ISO times all sort after the empty string, ids start at 1.
    afterAt: page.after?.receivedAt ?? '',
    afterId: page.after?.id ?? 0,
  })
  const { n } = (await preparedQuery(ctx.db, `requestCount:${by}`, (db) => requestCountQuery(db, by)).get({ id }))!
  const items = rows.length > page.limit ? rows.slice(0, page.limit) : rows
  const last = items[items.length - 1]
  return { items, total: n, nextCursor: rows.length > page.limit && last ? { receivedAt: last.receivedAt, id: last.id } : null }
}

const customerById = (db: AppContext['db']) =>
  preparedQuery(db, 'customers.byId', () => db.select().from(customers).where(eq(customers.id, sql.placeholder('id'))).prepare())

const historyOf = (db: AppContext['db']) =>
  preparedQuery(db, 'customers.history', () =>
    db
      .select({
        id: otpHistory.id,
        at: otpHistory.at,
        kind: otpHistory.kind,
        requestId: otpHistory.requestId,
        receiptNo: otpRequests.receiptNo,
        requestKind: otpRequests.kind,
        fromStatus: otpHistory.fromStatus,
        toStatus: otpHistory.toStatus,
        actorName: staff.name,
        note: otpHistory.note,
        eventKind: otpHistory.eventKind,
        eventSource: otpHistory.eventSource,
        occurredOn: otpHistory.occurredOn,
      })
      .from(otpHistory)
      .leftJoin(otpRequests, eq(otpRequests.id, otpHistory.requestId))
      .leftJoin(staff, eq(staff.id, otpHistory.actorId))
      // `+?`: bound plainly, this ordered query was compiled again on every call (keyPlaceholder).
      .where(eq(otpHistory.customerId, keyPlaceholder('id')))
      .orderBy(desc(otpHistory.at), desc(otpHistory.id))
      .prepare(),
  )

export async function getCustomer(ctx: AppContext, input: OpParsed<'customers.get'>): Promise<CustomerDetail> {
  const c = await customerById(ctx.db).get({ id: input.customerId })
  if (!c) throw new AppError('CUSTOMER_NOT_FOUND')
  const history: HistoryEntry[] = (await historyOf(ctx.db)
    .all({ id: c.id }))
    .map((h) => ({ ...h, actorName: h.actorName ?? 'センター' }))
  const today = japanDate(ctx.clock())
  const offered = REQUEST_KINDS.filter((k) => IMPLEMENTED_REQUEST_KINDS.includes(k))
  return {
    id: c.id,
    nameKanji: c.nameKanji,
    nameKana: c.nameKana,
    branchCode: c.accountBranchCode,
    accountType: c.accountType,
    accountNumber: c.accountNumber,
    ibContractId: c.ibContractId,
    otpStatus: c.otpStatus,
    birthDate: c.birthDate,
    postalCode: c.postalCode,
    address: c.address,
    phone: c.phone,
    wrongEntryCount: c.wrongEntryCount,
    statusChangedAt: c.statusChangedAt,
    cancelledOn: c.cancelledOn,
    version: c.version,
    history,
    requests: await requestSummaries(ctx, { customerId: c.id }),
    closedOn: c.closedOn,
    // A closed customer (解約) takes no new request; the screen says why.
    allowedRequests: c.closedOn ? [] : offered.filter((k) => !requestBlock(k, c.otpStatus, c.cancelledOn, today)),
    blockedRequests: offered.flatMap((k) => {
      const block = requestBlock(k, c.otpStatus, c.cancelledOn, today)
      return block?.code === 'NEXT_DAY_RULE' ? [{ kind: k, message: block.message }] : []
    }),
    allowedEvents: c.closedOn ? [] : EVENT_KINDS.filter((k) => !eventBlock(k, c.otpStatus)),
  }
}
