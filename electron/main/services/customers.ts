// Finding a customer at the counter, and the customer screen: status, history, requests.
import { and, asc, desc, eq, gte, lt, sql, type SQL } from 'drizzle-orm'
import { alias } from 'drizzle-orm/sqlite-core'
import { customers, otpHistory, otpRequests, staff } from '../../../db/schema'
import { AppError } from '../../../shared/errors'
import type { OpParsed } from '../../../shared/contract'
import { japanDate } from '../../../shared/datetime'
import { EVENT_KINDS, IMPLEMENTED_REQUEST_KINDS, REQUEST_KINDS, eventBlock, requestBlock } from '../../../shared/status'
import type { CustomerDetail, CustomerSummary, HistoryEntry, RequestSummary } from '../../../shared/types'
import type { AppContext } from '../context'

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

export function searchCustomers(ctx: AppContext, q: OpParsed<'customers.search'>): CustomerSummary[] {
  const where: SQL[] = []
  if (q.branchCode) where.push(eq(customers.accountBranchCode, q.branchCode))
  if (q.accountNumber) where.push(eq(customers.accountNumber, q.accountNumber.padStart(7, '0')))
  // Prefix match as a range on the indexed key (the schema lets only katakana through).
  if (q.kana) where.push(gte(customers.kanaKey, q.kana), lt(customers.kanaKey, q.kana + '\uFFFF'))
  if (q.ibContractId) where.push(eq(customers.ibContractId, q.ibContractId))
  return ctx.db
    .select(summaryColumns)
    .from(customers)
    .where(and(...where))
    .orderBy(asc(customers.kanaKey), asc(customers.id))
    .limit(SEARCH_LIMIT)
    .all()
}

const receiver = alias(staff, 'receiver')
const reviewer = alias(staff, 'reviewer')

export function requestSummaries(ctx: AppContext, where: SQL, order: 'oldest' | 'newest'): RequestSummary[] {
  return ctx.db
    .select({
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
    })
    .from(otpRequests)
    .innerJoin(customers, eq(customers.id, otpRequests.customerId))
    .innerJoin(receiver, eq(receiver.id, otpRequests.receivedBy))
    .leftJoin(reviewer, eq(reviewer.id, otpRequests.reviewedBy))
    .where(where)
    .orderBy(order === 'oldest' ? asc(otpRequests.receivedAt) : desc(otpRequests.receivedAt), asc(otpRequests.id))
    .all()
}

export function getCustomer(ctx: AppContext, input: OpParsed<'customers.get'>): CustomerDetail {
  const c = ctx.db.select().from(customers).where(eq(customers.id, input.customerId)).get()
  if (!c) throw new AppError('CUSTOMER_NOT_FOUND')
  const history: HistoryEntry[] = ctx.db
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
    .where(eq(otpHistory.customerId, c.id))
    .orderBy(desc(otpHistory.at), desc(otpHistory.id))
    .all()
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
    requests: requestSummaries(ctx, eq(otpRequests.customerId, c.id), 'newest'),
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
