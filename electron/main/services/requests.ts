// Paper requests: reception by a teller (受付), the supervisor's check (検印) and approval, which
// alone changes the customer's OTP status. Each write and its audit row share one transaction.
import { and, desc, eq, gte, inArray, lte, ne, sql } from 'drizzle-orm'
import { customers, otpHistory, otpRequestVersions, otpRequests, printedForms, receiptCounters, staff } from '../../../db/schema'
import { changesOf } from '../../../db/ledger'
import { AppError, LEDGER_LOST } from '../../../shared/errors'
import { accountMismatches } from '../../../shared/formCompare'
import type { OpParsed } from '../../../shared/contract'
import { japanDate, toWareki } from '../../../shared/datetime'
import { MAX_DAILY_SEQ, formatReceiptNo } from '../../../shared/receipt'
import type { z } from 'zod'
import type { FormKind, REQUEST_FORM_SCHEMAS, RequestForm, RequestFormName } from '../../../shared/schemas'
import type { paperRequestBaseSchema } from '../../../shared/schemas'
import type { LedgerChangedEvent, OperationName } from '../../../shared/operations'
import {
  OPEN_REQUEST_STATES,
  REQUEST_KIND_LABELS,
  REQUEST_STATE_LABELS,
  REQUEST_TRANSITIONS,
  isUrgentSuspension,
  requestBlock,
  type OtpStatus,
  type RequestKind,
  type RequestState,
} from '../../../shared/status'
import type { RegisteredRecord, RequestDetail, RequestPage, SessionUser } from '../../../shared/types'
import { alias } from 'drizzle-orm/sqlite-core'
import { preparedQuery } from '../../../db/prepared'
import { writeAudit } from '../audit'
import { writeTransaction, type Tx } from '../tx'
import type { AppContext } from '../context'
import { requestPage, requestSummaries } from './customers'
import { ownBranch, requireOwnBranch, requireVisible, viewedBranch } from './branchScope'
import { sessionUserOf, verifyStaffCredentials } from './auth'
import { getSettings } from './settings'
import { audited, requireUser, type Caller } from './caller'
import { recordUnlockRefusal } from './refusals'
import { recordSubmission, repeatedRequest, submissionByKey, submissionHash } from './submissions'


/** The refusal of a request the status (or the next-day rule) does not allow, naming both. */
export function blockedError(kind: RequestKind, status: OtpStatus, cancelledOn: string | null, today: string): AppError | null {
  const block = requestBlock(kind, status, cancelledOn, today)
  return block ? new AppError(block.code, block.message) : null
}

/** A customer the core system no longer lists (解約, customer import) takes no new request. */
export function closedError(closedOn: string): AppError {
  return new AppError('CUSTOMER_CLOSED', `このお客さまは解約済み（${toWareki(closedOn)}に勘定系の顧客データから削除）のため、新しい依頼は受け付けられません。`)
}

async function nextReceiptNo(tx: Tx, branchCode: string, businessDate: string): Promise<string> {
  const row = await preparedQuery(tx, 'receiptCounters.next', (d) =>
    d
      .insert(receiptCounters)
      .values({ branchCode: sql.placeholder('branchCode'), businessDate: sql.placeholder('businessDate'), lastSeq: 1 })
      .onConflictDoUpdate({
        target: [receiptCounters.branchCode, receiptCounters.businessDate],
        set: { lastSeq: sql`${receiptCounters.lastSeq} + 1` },
      })
      .returning({ seq: receiptCounters.lastSeq })
      .prepare(),
  ).get({ branchCode, businessDate })
  // Refused, not wrapped: the transaction rolls back, so the counter stays at the limit.
  if (row!.seq > MAX_DAILY_SEQ)
    throw new AppError(
      'RECEIPT_SEQUENCE_EXHAUSTED',
      `本日の受付番号が上限（${MAX_DAILY_SEQ.toLocaleString('ja-JP')}件）に達したため、これ以上受け付けられません。システム管理者に連絡してください。`,
    )
  return formatReceiptNo(branchCode, businessDate, row!.seq)
}

type Customer = typeof customers.$inferSelect
type PaperRequestBase = z.output<typeof paperRequestBaseSchema>

/** The paper's account and IB contract must be this customer's: typed from the paper, checked here. */
function checkPaperAgainstRecord(form: PaperRequestBase, c: Customer): void {
  const mismatch = accountMismatches(form, registeredRecord(c))
  if (Object.keys(mismatch).length) throw new AppError('ACCOUNT_MISMATCH', undefined, mismatch)
}

function checkApplicationDate(form: PaperRequestBase, today: string): void {
  if (form.applicationDate > today)
    throw new AppError('VALIDATION_FAILED', undefined, { applicationDate: 'お申込日に未来の日付は入力できません' })
}

const HISTORY_COLUMNS = ['customerId', 'at', 'kind', 'requestId', 'fromStatus', 'toStatus', 'actorId', 'note'] as const

export async function history(tx: Tx, row: Pick<typeof otpHistory.$inferInsert, (typeof HISTORY_COLUMNS)[number]>): Promise<void> {
  await preparedQuery(tx, 'history.insertOfRequest', (d) =>
    d
      .insert(otpHistory)
      .values(Object.fromEntries(HISTORY_COLUMNS.map((c) => [c, sql.placeholder(c)])) as never)
      .prepare(),
  ).run({ requestId: null, fromStatus: null, toStatus: null, actorId: null, note: null, ...row })
}

/** One submission of the paper form (1 = 受付, 2.. = 再提出), kept so that 検印 can show what changed. */
async function recordVersion(tx: Tx, v: typeof otpRequestVersions.$inferInsert): Promise<void> {
  await tx.insert(otpRequestVersions).values(v).run()
}

/** The latest submission's number (0 for a request nobody recorded a version of). */
async function latestVersionSeq(db: AppContext['db'] | Tx, requestId: number): Promise<number> {
  const row = await preparedQuery(db, 'requestVersions.latest', (d) =>
    d
      .select({ seq: otpRequestVersions.seq })
      .from(otpRequestVersions)
      .where(eq(otpRequestVersions.requestId, sql.placeholder('id')))
      .orderBy(desc(otpRequestVersions.seq))
      .limit(1)
      .prepare(),
  ).get({ id: requestId })
  return row?.seq ?? 0
}

const RECEIVE_OPERATION: Record<FormKind, OperationName> = {
  new_application: 'requests.receiveNewApplication',
  suspension: 'requests.receiveSuspension',
  resumption: 'requests.receiveResumption',
  cancellation: 'requests.receiveCancellation',
  restriction_release: 'requests.receiveRestrictionRelease',
  unlock: 'requests.receiveUnlock',
}

/** 受付: a teller registers a paper request. It waits for a supervisor's 検印; the status does not
 * change yet. One open request (検印待ち or 差戻し) per customer at a time. */
export async function receiveRequest<K extends FormKind>(
  ctx: AppContext,
  kind: K,
  input: z.output<(typeof REQUEST_FORM_SCHEMAS)[K]> & { submissionKey?: string | undefined },
  caller: Caller,
): Promise<RequestDetail> {
  const user = requireUser(caller)
  // 受付キー (submissions.ts): a repeat of a submit answers the request its first one received.
  const { submissionKey, ...paper } = input
  const form = paper as z.output<(typeof REQUEST_FORM_SCHEMAS)[K]>
  const hash = submissionKey ? submissionHash(kind, form, user.staffId) : ''
  const prior = submissionKey ? await submissionByKey(ctx.db, submissionKey) : null
  if (prior) return getRequest(ctx, { requestId: repeatedRequest(prior, hash) })
  const now = ctx.clock()
  const at = now.toISOString()
  const today = japanDate(now)
  checkApplicationDate(form, today)
  if ('verification' in form && form.verification.fraudSuspected) {
    // Refused, and on the record with the customer (history, the day's journal, audit): no request
    // exists to name. The same record the checklist's 「お断りして記録」 writes.
    await recordUnlockRefusal(ctx, user, { customerId: form.customerId, verification: form.verification }, RECEIVE_OPERATION[kind])
    throw audited(new AppError('FRAUD_SUSPECTED'))
  }
  // 緊急停止: a 利用停止 for 紛失・盗難 or 不正利用の疑い takes effect now; the 検印 follows.
  const urgent = kind === 'suspension' && 'reason' in form && isUrgentSuspension(form.reason)
  const superseded: number[] = []

  const received = await writeTransaction(ctx.db, async (tx): Promise<{ requestId: number; repeat: boolean }> => {
    // Another terminal may have sent the same key since the look above: asked again inside.
    const raced = submissionKey ? await submissionByKey(tx, submissionKey) : null
    if (raced) return { requestId: repeatedRequest(raced, hash), repeat: true }
    const c = await customerRow(tx, form.customerId)
    if (!c) throw new AppError('CUSTOMER_NOT_FOUND')
    if (c.closedOn) throw closedError(c.closedOn)
    checkPaperAgainstRecord(form, c)

    const open = await preparedQuery(tx, 'requests.openOfCustomer', (d) =>
      d
        .select()
        .from(otpRequests)
        .where(and(eq(otpRequests.customerId, sql.placeholder('id')), inArray(otpRequests.state, [...OPEN_REQUEST_STATES])))
        .prepare(),
    ).all({ id: c.id })
    // An urgent stop is never held back by another open request: that one is closed as superseded
    // below. Any other request waits for the open one.
    if (open.length && !urgent)
      throw new AppError('REQUEST_ALREADY_PENDING', `このお客さまには処理中の依頼（受付番号 ${open[0]!.receiptNo}）があります。先にその依頼を完了してください。`)

    const blocked = blockedError(kind, c.otpStatus, c.cancelledOn, today)
    if (blocked) throw blocked

    // The request belongs to the branch that receives it, whichever branch keeps the account.
    const branch = await ownBranch(tx, user)
    const receiptNo = await nextReceiptNo(tx, branch.code, today)
    const req = await tx
      .insert(otpRequests)
      .values({
        receiptNo,
        branchId: branch.id,
        customerId: c.id,
        kind,
        state: 'pending_review',
        statusAtReceipt: c.otpStatus,
        resultStatus: REQUEST_TRANSITIONS[kind].to,
        formJson: JSON.stringify({ kind, ...form }),
        idDocumentType: form.identity.documentType,
        secondDocumentType: form.identity.secondDocumentType ?? null,
        idCheckedBy: user.staffId,
        sealMatched: form.sealMatched,
        businessDate: today,
        receivedBy: user.staffId,
        receivedAt: at,
        urgent,
      })
      .returning({ id: otpRequests.id })
      .get()
    await recordVersion(tx, { requestId: req.id, seq: 1, formJson: JSON.stringify({ kind, ...form }), submittedBy: user.staffId, submittedAt: at })
    for (const o of open) {
      await supersede(tx, o, { id: req.id, receiptNo }, user, at)
      superseded.push(o.id)
    }
    if (urgent) {
      await tx.update(customers)
        .set({ otpStatus: 'suspended', statusChangedAt: at, updatedAt: at, version: c.version + 1 })
        .where(eq(customers.id, c.id))
        .run()
      await history(tx, {
        customerId: c.id,
        at,
        kind: 'request_received',
        requestId: req.id,
        fromStatus: c.otpStatus,
        toStatus: 'suspended',
        actorId: user.staffId,
        note: '受付と同時に利用停止（緊急停止・事後検印待ち）',
      })
    } else await history(tx, { customerId: c.id, at, kind: 'request_received', requestId: req.id, fromStatus: c.otpStatus, actorId: user.staffId, note: '受付（検印待ち）' })
    await writeAudit(tx, {
      at,
      actorId: user.staffId,
      actorLoginId: user.loginId,
      action: RECEIVE_OPERATION[kind],
      outcome: 'ok',
      target: `request:${req.id}`,
      requestId: req.id,
      detail: { receiptNo, customerId: c.id, kind, ...(urgent ? { urgent: true, from: c.otpStatus, to: 'suspended', superseded } : {}) },
    })
    if (submissionKey) await recordSubmission(tx, { key: submissionKey, requestId: req.id, payloadHash: hash, staffId: user.staffId, at })
    return { requestId: req.id, repeat: false }
  })
  const { requestId } = received
  if (received.repeat) return getRequest(ctx, { requestId })
  for (const id of superseded) ctx.events.emitChanged({ kind: 'request_superseded', customerId: form.customerId, requestId: id })
  ctx.events.emitChanged({ kind: 'request_received', customerId: form.customerId, requestId })
  return getRequest(ctx, { requestId })
}

/** 失効: an urgent 利用停止 closes the customer's open request; its teller sees why in their list. */
async function supersede(tx: Tx, old: RequestRow, by: { id: number; receiptNo: string }, user: SessionUser, at: string): Promise<void> {
  await updateRequest(tx, old, { state: 'superseded', supersededBy: by.id, closedBy: user.staffId, closedAt: at })
  const note = `緊急の利用停止（受付番号 ${by.receiptNo}）の受付により失効しました。${REQUEST_KIND_LABELS[old.kind]}が必要なら、利用停止の後にあらためて受け付けてください。`
  await history(tx, { customerId: old.customerId, at, kind: 'request_superseded', requestId: old.id, actorId: user.staffId, note })
  await writeAudit(tx, {
    at,
    actorId: user.staffId,
    actorLoginId: user.loginId,
    action: 'requests.supersede',
    outcome: 'ok',
    target: `request:${old.id}`,
    detail: { receiptNo: old.receiptNo, state: old.state, supersededBy: by.receiptNo },
  })
}

/** Loads a request for a state change, refusing what the caller may not do to it: another
 * branch's request first (他店の依頼), then a state or version that does not allow it. */
async function loadForChange(
  tx: Tx,
  user: SessionUser,
  requestId: number,
  version: number,
  states: readonly RequestState[],
): Promise<typeof otpRequests.$inferSelect> {
  const r = await requestById(tx).get({ id: requestId })
  if (!r) throw new AppError('REQUEST_NOT_FOUND')
  await requireOwnBranch(tx, user, r.branchId)
  if (!states.includes(r.state)) throw new AppError('REQUEST_NOT_PENDING', `この依頼は現在「${REQUEST_STATE_LABELS[r.state]}」のため、この操作はできません。`)
  if (r.version !== version) throw new AppError('STALE_VERSION')
  return r
}

/** The optimistic write: it changes the row only if nobody changed it since it was read. */
async function updateRequest(tx: Tx, r: typeof otpRequests.$inferSelect, set: Partial<typeof otpRequests.$inferInsert>): Promise<void> {
  const changed = changesOf(await tx
    .update(otpRequests)
    .set({ ...set, version: r.version + 1 })
    .where(and(eq(otpRequests.id, r.id), eq(otpRequests.version, r.version)))
    .run())
  if (changed !== 1) throw new AppError('STALE_VERSION')
}

/** Runs a state change of a request; a refusal is audited (and changes nothing else). */
async function changeRequest(
  ctx: AppContext,
  caller: Caller,
  action: string,
  input: { requestId: number; version: number },
  event: LedgerChangedEvent['kind'],
  fn: (tx: Tx, user: SessionUser, at: string, today: string) => Promise<number>,
): Promise<RequestDetail> {
  const user = requireUser(caller)
  const at = ctx.clock().toISOString()
  const today = japanDate(ctx.clock())
  let customerId: number
  try {
    customerId = await writeTransaction(ctx.db, (tx) => fn(tx, user, at, today))
  } catch (err) {
    if (err instanceof AppError && err.code !== 'REQUEST_NOT_FOUND' && err.code !== 'VALIDATION_FAILED' && !LEDGER_LOST.has(err.code)) {
      await writeAudit(ctx.db, {
        at,
        actorId: user.staffId,
        actorLoginId: user.loginId,
        action,
        outcome: 'refused',
        target: `request:${input.requestId}`,
        requestId: input.requestId,
        detail: { reason: err.code, version: input.version },
      })
      throw audited(err)
    }
    throw err
  }
  ctx.events.emitChanged({ kind: event, customerId, requestId: input.requestId })
  return getRequest(ctx, { requestId: input.requestId })
}

export async function getRequest(ctx: AppContext, input: { requestId: number }): Promise<RequestDetail> {
  const [summary] = await requestSummaries(ctx, { requestId: input.requestId })
  if (!summary) throw new AppError('REQUEST_NOT_FOUND')
  const r = (await requestById(ctx.db).get({ id: input.requestId }))!
  const checker = await staffNameById(ctx.db).get({ id: r.idCheckedBy })
  const form = JSON.parse(r.formJson) as RequestForm
  return {
    ...summary,
    statusAtReceipt: r.statusAtReceipt,
    resultStatus: r.resultStatus,
    form,
    identity: {
      documentType: form.identity.documentType,
      secondDocumentType: form.identity.secondDocumentType ?? null,
      checkedByName: checker?.name ?? '',
    },
    sealMatched: r.sealMatched,
    receivedByStaffId: r.receivedBy,
    withdrawReason: r.withdrawReason,
    repeatUnlock: r.kind === 'unlock' && r.state === 'pending_review' ? await repeatUnlocks(ctx.db, r.customerId, ctx.clock(), r.id) : null,
    printCounts: await printCounts(ctx.db, r.id),
    registered: registeredRecord((await customerRow(ctx.db, r.customerId))!),
    ...await versionsOf(ctx.db, r.id),
  }
}

/** The customer as registered, for the side-by-side comparison with the paper. */
function registeredRecord(c: Customer): RegisteredRecord {
  return {
    nameKanji: c.nameKanji,
    nameKana: c.nameKana,
    birthDate: c.birthDate,
    postalCode: c.postalCode,
    address: c.address,
    phone: c.phone,
    account: { branchCode: c.accountBranchCode, type: c.accountType, number: c.accountNumber },
    ibContractId: c.ibContractId,
  }
}

/** Which submission is shown, and the one before it with the supervisor's return reason. */
async function versionsOf(db: AppContext['db'], requestId: number): Promise<Pick<RequestDetail, 'submission' | 'previousVersion'>> {
  const seq = await latestVersionSeq(db, requestId)
  if (seq < 2) return { submission: Math.max(seq, 1), previousVersion: null }
  const returner = alias(staff, 'returner')
  const prev = await preparedQuery(db, 'requestVersions.bySeq', (d) =>
    d
      .select({
        formJson: otpRequestVersions.formJson,
        returnReason: otpRequestVersions.returnReason,
        returnedAt: otpRequestVersions.returnedAt,
        returnedByName: returner.name,
      })
      .from(otpRequestVersions)
      .leftJoin(returner, eq(returner.id, otpRequestVersions.returnedBy))
      .where(and(eq(otpRequestVersions.requestId, sql.placeholder('id')), eq(otpRequestVersions.seq, sql.placeholder('seq'))))
      .prepare(),
  ).get({ id: requestId, seq: seq - 1 })
  if (!prev) return { submission: seq, previousVersion: null }
  return {
    submission: seq,
    previousVersion: {
      seq: seq - 1,
      form: JSON.parse(prev.formJson) as RequestForm,
      returnReason: prev.returnReason,
      returnedAt: prev.returnedAt,
      returnedByName: prev.returnedByName,
    },
  }
}

type RequestRow = typeof otpRequests.$inferSelect

const requestById = (db: AppContext['db'] | Tx) =>
  preparedQuery(db, 'requests.byId', (d) => d.select().from(otpRequests).where(eq(otpRequests.id, sql.placeholder('id'))).prepare())
const customerRow = (db: AppContext['db'] | Tx, id: number) =>
  preparedQuery(db, 'customers.byId', (d) => d.select().from(customers).where(eq(customers.id, sql.placeholder('id'))).prepare()).get({ id })
const staffNameById = (db: AppContext['db']) =>
  preparedQuery(db, 'staff.nameById', () => db.select({ name: staff.name }).from(staff).where(eq(staff.id, sql.placeholder('id'))).prepare())

/** How often each form of a request was printed (shown beside the print buttons). */
async function printCounts(db: AppContext['db'], requestId: number): Promise<Record<RequestFormName, number>> {
  const out: Record<RequestFormName, number> = { customer_receipt: 0, completion_notice: 0, handling_record: 0 }
  const rows = await preparedQuery(db, 'printedForms.countsOfRequest', () =>
    db
      .select({ form: printedForms.formKind, n: sql<number>`count(*)` })
      .from(printedForms)
      .where(eq(printedForms.requestId, sql.placeholder('id')))
      .groupBy(printedForms.formKind)
      .prepare(),
  ).all({ id: requestId })
  for (const r of rows) if (r.form !== 'daily_journal') out[r.form] = r.n
  return out
}

/** The 検印 queue of a branch: requests waiting for a supervisor, oldest first, one screen at a
 * time. A supervisor's is their branch's; the head office chooses the branch (branchScope.ts). */
export async function pendingReview(ctx: AppContext, page: OpParsed<'requests.pendingReview'>, caller: Caller): Promise<RequestPage> {
  const branch = await viewedBranch(ctx.db, requireUser(caller), page.branchCode)
  return requestPage(ctx, { pendingInBranch: branch.id }, page)
}

/** The request screen: a request of the caller's branch, or of any for a role that sees every branch. */
export async function readRequest(ctx: AppContext, input: { requestId: number }, caller: Caller): Promise<RequestDetail> {
  const user = requireUser(caller)
  const r = await requestById(ctx.db).get({ id: input.requestId })
  if (!r) throw new AppError('REQUEST_NOT_FOUND')
  await requireVisible(ctx.db, user, r.branchId)
  return getRequest(ctx, input)
}

type Actor = Pick<SessionUser, 'staffId' | 'loginId'>

/** The approval itself: the request becomes 承認 and only now the customer's status changes. */
async function applyApproval(
  tx: Tx,
  req: RequestRow,
  approver: Actor,
  at: string,
  today: string,
  audit: { action: string; note: string; detail?: Record<string, unknown>; repeat?: NonNullable<RequestDetail['repeatUnlock']> },
): Promise<number> {
  const c = (await customerRow(tx, req.customerId))!
  // 事後検印 of an urgent stop: the status changed at reception and stays; the check is recorded.
  const applied = req.urgent && c.otpStatus === req.resultStatus
  // The status may have moved since reception (an event was recorded): check again.
  const blocked = applied ? null : blockedError(req.kind, c.otpStatus, c.cancelledOn, today)
  if (blocked) throw blocked
  await updateRequest(tx, req, {
    state: 'approved',
    reviewedBy: approver.staffId,
    reviewedAt: at,
    // What the approver acknowledged is kept as it was: the forms print it, whatever the period later becomes.
    ...(audit.repeat
      ? {
          repeatUnlockAcknowledged: true,
          repeatUnlockCount: audit.repeat.count,
          repeatUnlockDays: audit.repeat.days,
          repeatUnlockLastAt: audit.repeat.lastApprovedAt,
        }
      : {}),
  })
  const to = req.resultStatus
  if (applied) {
    await history(tx, { customerId: c.id, at, kind: 'request_approved', requestId: req.id, fromStatus: c.otpStatus, actorId: approver.staffId, note: '事後検印・承認（受付時から利用停止）' })
    await writeAudit(tx, {
      at,
      actorId: approver.staffId,
      actorLoginId: approver.loginId,
      action: audit.action,
      outcome: 'ok',
      target: `request:${req.id}`,
      detail: { receiptNo: req.receiptNo, kind: req.kind, urgent: true, status: c.otpStatus, ...audit.detail },
    })
    return c.id
  }
  await tx.update(customers)
    .set({
      otpStatus: to,
      statusChangedAt: at,
      updatedAt: at,
      version: c.version + 1,
      // An unlock resets the wrong-code count; so does a new token.
      ...(req.kind === 'unlock' || to === 'awaiting_issue' ? { wrongEntryCount: 0 } : {}),
      ...(req.kind === 'cancellation' ? { cancelledOn: today } : {}),
    })
    .where(eq(customers.id, c.id))
    .run()
  await history(tx, { customerId: c.id, at, kind: 'request_approved', requestId: req.id, fromStatus: c.otpStatus, toStatus: to, actorId: approver.staffId, note: audit.note })
  await writeAudit(tx, {
    at,
    actorId: approver.staffId,
    actorLoginId: approver.loginId,
    action: audit.action,
    outcome: 'ok',
    target: `request:${req.id}`,
    requestId: req.id,
    detail: { receiptNo: req.receiptNo, kind: req.kind, from: c.otpStatus, to, ...audit.detail },
  })
  return c.id
}

async function applyReturn(tx: Tx, req: RequestRow, reviewer: Actor, at: string, reason: string, audit: { action: string; detail?: Record<string, unknown> }): Promise<number> {
  await updateRequest(tx, req, { state: 'returned', reviewedBy: reviewer.staffId, reviewedAt: at, returnReason: reason })
  const seq = await latestVersionSeq(tx, req.id)
  if (seq > 0)
    await tx.update(otpRequestVersions)
      .set({ returnReason: reason, returnedBy: reviewer.staffId, returnedAt: at })
      .where(and(eq(otpRequestVersions.requestId, req.id), eq(otpRequestVersions.seq, seq)))
      .run()
  await history(tx, { customerId: req.customerId, at, kind: 'request_returned', requestId: req.id, actorId: reviewer.staffId, note: reason })
  await writeAudit(tx, {
    at,
    actorId: reviewer.staffId,
    actorLoginId: reviewer.loginId,
    action: audit.action,
    outcome: 'ok',
    target: `request:${req.id}`,
    requestId: req.id,
    detail: { receiptNo: req.receiptNo, reason, ...audit.detail },
  })
  return req.customerId
}

async function refuseOwn(tx: Tx, requestId: number, reviewer: Actor, message?: string): Promise<void> {
  const r = await requestById(tx).get({ id: requestId })
  // Whoever received it or took it over (引継ぎ) and resubmitted it is its maker, not its checker.
  if (r && (r.receivedBy === reviewer.staffId || r.takenOverBy === reviewer.staffId)) throw new AppError('SELF_APPROVAL', message)
}

/** 検印・承認: a supervisor who did not receive the request approves it. A 閉塞解除 is refused
 * here: it needs 役席認証 (requests.decideUnlock). */
export async function approveRequest(ctx: AppContext, input: OpParsed<'requests.approve'>, caller: Caller): Promise<RequestDetail> {
  return changeRequest(ctx, caller, 'requests.approve', input, 'request_approved', async (tx, user, at, today) => {
    await refuseOwn(tx, input.requestId, user)
    const req = await loadForChange(tx, user, input.requestId, input.version, ['pending_review'])
    if (req.kind === 'unlock') throw new AppError('SUPERVISOR_AUTH_REQUIRED')
    return applyApproval(tx, req, user, at, today, { action: 'requests.approve', note: '検印・承認' })
  })
}

/** 差戻し: the supervisor sends the request back to its teller with what to correct. */
export async function returnRequest(ctx: AppContext, input: OpParsed<'requests.return'>, caller: Caller): Promise<RequestDetail> {
  return changeRequest(ctx, caller, 'requests.return', input, 'request_returned', async (tx, user, at) => {
    await refuseOwn(tx, input.requestId, user, '自分が受け付けた依頼は差戻しできません。')
    const req = await loadForChange(tx, user, input.requestId, input.version, ['pending_review'])
    if (req.kind === 'unlock') throw new AppError('SUPERVISOR_AUTH_REQUIRED')
    return applyReturn(tx, req, user, at, input.reason, { action: 'requests.return' })
  })
}

/** Unlocks of this customer approved within the branch's period up to `now`. */
export async function repeatUnlocks(db: AppContext['db'] | Tx, customerId: number, now: Date, excludeRequestId: number): Promise<RequestDetail['repeatUnlock']> {
  const days = (await getSettings(db)).unlockRepeatDays
  const since = new Date(now.getTime() - days * 24 * 60 * 60 * 1000).toISOString()
  const p = (name: string) => sql.placeholder(name)
  const rows = await preparedQuery(db, 'requests.repeatUnlocks', (d) =>
    d
      .select({ reviewedAt: otpRequests.reviewedAt })
      .from(otpRequests)
      .where(
        and(
          eq(otpRequests.customerId, p('customerId')),
          eq(otpRequests.kind, 'unlock'),
          eq(otpRequests.state, 'approved'),
          gte(otpRequests.reviewedAt, p('since')),
          lte(otpRequests.reviewedAt, p('until')),
          ne(otpRequests.id, p('exclude')),
        ),
      )
      .orderBy(desc(otpRequests.reviewedAt))
      .prepare(),
  ).all({ customerId, since, until: now.toISOString(), exclude: excludeRequestId })
  return rows.length ? { count: rows.length, lastApprovedAt: rows[0]!.reviewedAt!, days } : null
}

/**
 * 閉塞解除の承認／差戻し with 役席認証. The approver is whoever's credentials are typed on the
 * terminal, checked now (a wrong password counts toward that supervisor's lockout and is audited),
 * not the terminal's session: the counter terminal is usually logged in as the teller. Valid for
 * this request at this version only, so a decision cannot be replayed.
 */
export async function decideUnlock(ctx: AppContext, input: OpParsed<'requests.decideUnlock'>, caller: Caller): Promise<RequestDetail> {
  const operator = requireUser(caller)
  const approverId = await verifyStaffCredentials(
    ctx,
    { loginId: input.supervisorLoginId, password: input.supervisorPassword },
    'auth.supervisorAuth',
    { terminalOperator: operator.loginId, requestId: input.requestId },
  )
  const approver = await sessionUserOf(ctx, approverId)
  if (approver.role !== 'supervisor') {
    await writeAudit(ctx.db, {
      at: ctx.clock().toISOString(),
      actorId: approver.staffId,
      actorLoginId: approver.loginId,
      action: 'requests.decideUnlock',
      outcome: 'refused',
      target: `request:${input.requestId}`,
      requestId: input.requestId,
      detail: { reason: 'NOT_A_SUPERVISOR', role: approver.role, terminalOperator: operator.loginId },
    })
    throw audited(new AppError('NOT_A_SUPERVISOR'))
  }
  const event = input.decision === 'approve' ? 'request_approved' : 'request_returned'
  const via = { terminalOperator: operator.loginId, auth: 'supervisor_credentials' }
  return changeRequest(ctx, { sessionKey: caller.sessionKey, user: approver }, 'requests.decideUnlock', input, event, async (tx, user, at, today) => {
    await refuseOwn(tx, input.requestId, user, '自分が受け付けた閉塞解除は承認・差戻しできません。')
    const req = await loadForChange(tx, user, input.requestId, input.version, ['pending_review'])
    // The terminal's operator works at the branch too: a counter of another branch cannot send it.
    await requireOwnBranch(tx, operator, req.branchId)
    if (req.kind !== 'unlock') throw new AppError('NOT_AN_UNLOCK')
    if (input.decision === 'return')
      return applyReturn(tx, req, user, at, input.reason!, { action: 'requests.decideUnlock', detail: { decision: 'return', ...via } })
    // Second guard: whatever path the form took (受付, 再提出), suspected fraud is never unlocked.
    const form = JSON.parse(req.formJson) as RequestForm
    if (form.kind !== 'unlock' || form.verification.fraudSuspected) throw new AppError('FRAUD_SUSPECTED')
    const repeat = await repeatUnlocks(tx, req.customerId, ctx.clock(), req.id)
    if (repeat && !input.acknowledgeRepeat)
      throw new AppError(
        'REPEAT_UNLOCK_NOT_ACKNOWLEDGED',
        `過去${repeat.days}日以内にこのお客さまの閉塞解除が${repeat.count}回あります。状況を確認し、確認欄にチェックしてから承認してください。`,
      )
    return applyApproval(tx, req, user, at, today, {
      action: 'requests.decideUnlock',
      note: `役席認証により承認（端末操作：${operator.name}）`,
      detail: { decision: 'approve', repeat, ...via },
      ...(repeat ? { repeat } : {}),
    })
  })
}

/** Who works a returned request now: whoever took it over (引継ぎ), else who received it. */
const handlerOf = (req: RequestRow): number => req.takenOverBy ?? req.receivedBy

function requireHandler(req: RequestRow, user: SessionUser): void {
  if (handlerOf(req) !== user.staffId) throw new AppError('NOT_RECEIVER')
}

/** 引継ぎ: any teller of the branch takes over a returned request (the one who received it is away),
 * then corrects and resubmits or withdraws it. Recorded with who had it before. The supervisor who
 * returned it cannot take it over: they would then check their own correction. */
export async function takeOverRequest(ctx: AppContext, input: OpParsed<'requests.takeOver'>, caller: Caller): Promise<RequestDetail> {
  return changeRequest(ctx, caller, 'requests.takeOver', input, 'request_taken_over', async (tx, user, at) => {
    const req = await loadForChange(tx, user, input.requestId, input.version, ['returned'])
    if (handlerOf(req) === user.staffId) throw new AppError('ALREADY_HANDLER')
    if (req.reviewedBy === user.staffId) throw new AppError('SELF_APPROVAL', '自分が差し戻した依頼は引き継げません。')
    const before = (await staffNameById(ctx.db).get({ id: handlerOf(req) }))?.name ?? ''
    await updateRequest(tx, req, { takenOverBy: user.staffId, takenOverAt: at })
    await history(tx, { customerId: req.customerId, at, kind: 'request_taken_over', requestId: req.id, actorId: user.staffId, note: `${before} から ${user.name} へ引継ぎ` })
    await writeAudit(tx, {
      at,
      actorId: user.staffId,
      actorLoginId: user.loginId,
      action: 'requests.takeOver',
      outcome: 'ok',
      target: `request:${req.id}`,
      detail: { receiptNo: req.receiptNo, from: handlerOf(req), to: user.staffId },
    })
    return req.customerId
  })
}

/** 再提出: the teller who received a returned request corrects it; it waits for 検印 again. */
export async function resubmitRequest(ctx: AppContext, input: OpParsed<'requests.resubmit'>, caller: Caller): Promise<RequestDetail> {
  return changeRequest(ctx, caller, 'requests.resubmit', input, 'request_resubmitted', async (tx, user, at, today) => {
    const req = await loadForChange(tx, user, input.requestId, input.version, ['returned'])
    requireHandler(req, user)
    const form = input.form
    if (form.kind !== req.kind || form.customerId !== req.customerId) throw new AppError('RESUBMIT_MISMATCH')
    if (form.kind === 'unlock' && form.verification.fraudSuspected) throw new AppError('FRAUD_SUSPECTED')
    checkApplicationDate(form, today)
    const c = (await tx.select().from(customers).where(eq(customers.id, req.customerId)).get())!
    checkPaperAgainstRecord(form, c)
    // An urgent stop already applied its status at reception: the status table is not asked again.
    const blocked = req.urgent && c.otpStatus === req.resultStatus ? null : blockedError(req.kind, c.otpStatus, c.cancelledOn, today)
    if (blocked) throw blocked
    await updateRequest(tx, req, {
      state: 'pending_review',
      formJson: JSON.stringify(form),
      idDocumentType: form.identity.documentType,
      secondDocumentType: form.identity.secondDocumentType ?? null,
      idCheckedBy: user.staffId,
      sealMatched: form.sealMatched,
      reviewedBy: null,
      reviewedAt: null,
      returnReason: null,
    })
    await recordVersion(tx, { requestId: req.id, seq: await latestVersionSeq(tx, req.id) + 1, formJson: JSON.stringify(form), submittedBy: user.staffId, submittedAt: at })
    await history(tx, { customerId: c.id, at, kind: 'request_resubmitted', requestId: req.id, actorId: user.staffId, note: '訂正して再提出（検印待ち）' })
    await writeAudit(tx, {
      at,
      actorId: user.staffId,
      actorLoginId: user.loginId,
      action: 'requests.resubmit',
      outcome: 'ok',
      target: `request:${req.id}`,
      requestId: req.id,
      detail: { receiptNo: req.receiptNo },
    })
    return c.id
  })
}

/** 取消: the teller who works the request (received it, or took it over) withdraws it, or any
 * supervisor of the branch does (検印待ち or 差戻し), with a reason. Withdrawing an urgent stop does
 * not lift it: the token stays stopped until a 利用再開 is approved (README, 緊急停止). */
export async function withdrawRequest(ctx: AppContext, input: OpParsed<'requests.withdraw'>, caller: Caller): Promise<RequestDetail> {
  return changeRequest(ctx, caller, 'requests.withdraw', input, 'request_withdrawn', async (tx, user, at) => {
    const req = await loadForChange(tx, user, input.requestId, input.version, [...OPEN_REQUEST_STATES])
    if (user.role !== 'supervisor') requireHandler(req, user)
    await updateRequest(tx, req, { state: 'withdrawn', withdrawReason: input.reason, closedBy: user.staffId, closedAt: at })
    const stays = req.urgent ? '（緊急停止のため利用停止は継続。再開には利用再開の依頼が必要）' : ''
    await history(tx, { customerId: req.customerId, at, kind: 'request_withdrawn', requestId: req.id, actorId: user.staffId, note: input.reason + stays })
    await writeAudit(tx, {
      at,
      actorId: user.staffId,
      actorLoginId: user.loginId,
      action: 'requests.withdraw',
      outcome: 'ok',
      target: `request:${req.id}`,
      requestId: req.id,
      detail: { receiptNo: req.receiptNo, reason: input.reason, ...(handlerOf(req) !== user.staffId ? { byRole: user.role } : {}) },
    })
    return req.customerId
  })
}

/** The branch's requests a supervisor returned, oldest first, one screen at a time: any teller of
 * the branch may take one over. */
export async function returnedToMe(ctx: AppContext, page: OpParsed<'requests.returnedToMe'>, caller: Caller): Promise<RequestPage> {
  const user = requireUser(caller)
  return requestPage(ctx, { returnedInBranch: user.branchCode }, page)
}
