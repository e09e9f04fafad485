// Paper requests: reception by a teller (受付), the supervisor's check (検印) and approval, which
// alone changes the customer's OTP status. Each write and its audit row share one transaction.
import { and, eq, inArray, sql } from 'drizzle-orm'
import { branches, customers, otpHistory, otpRequests, receiptCounters, staff } from '../../../db/schema'
import { AppError } from '../../../shared/errors'
import type { OpParsed } from '../../../shared/contract'
import { japanDate } from '../../../shared/datetime'
import { formatReceiptNo } from '../../../shared/receipt'
import type { NewApplicationForm } from '../../../shared/schemas'
import { REQUEST_TRANSITIONS, requestBlock, type OtpStatus, type RequestKind } from '../../../shared/status'
import type { RequestDetail, RequestSummary } from '../../../shared/types'
import { writeAudit } from '../audit'
import { writeTransaction, type Tx } from '../tx'
import type { AppContext } from '../context'
import { requestSummaries } from './customers'
import { audited, requireUser, type Caller } from './caller'


/** The refusal of a request the status (or the next-day rule) does not allow, naming both. */
export function blockedError(kind: RequestKind, status: OtpStatus, cancelledOn: string | null, today: string): AppError | null {
  const block = requestBlock(kind, status, cancelledOn, today)
  return block ? new AppError(block.code, block.message) : null
}

function nextReceiptNo(tx: Tx, branchCode: string, businessDate: string): string {
  const row = tx
    .insert(receiptCounters)
    .values({ branchCode, businessDate, lastSeq: 1 })
    .onConflictDoUpdate({
      target: [receiptCounters.branchCode, receiptCounters.businessDate],
      set: { lastSeq: sql`${receiptCounters.lastSeq} + 1` },
    })
    .returning({ seq: receiptCounters.lastSeq })
    .get()
  return formatReceiptNo(branchCode, businessDate, row!.seq)
}

export function receiveNewApplication(
  ctx: AppContext,
  form: OpParsed<'requests.receiveNewApplication'>,
  caller: Caller,
): RequestDetail {
  const user = requireUser(caller)
  const now = ctx.clock()
  const at = now.toISOString()
  const today = japanDate(now)
  const kind: RequestKind = 'new_application'

  if (form.applicationDate > today)
    throw new AppError('VALIDATION_FAILED', undefined, { applicationDate: 'お申込日に未来の日付は入力できません' })

  const requestId = writeTransaction(ctx.db, (tx) => {
    const c = tx.select().from(customers).where(eq(customers.id, form.customerId)).get()
    if (!c) throw new AppError('CUSTOMER_NOT_FOUND')

    const mismatch: Record<string, string> = {}
    if (form.account.branchCode !== c.accountBranchCode) mismatch['account.branchCode'] = '店番がお客さまの口座と一致しません'
    if (form.account.type !== c.accountType) mismatch['account.type'] = '預金種目がお客さまの口座と一致しません'
    if (form.account.number !== c.accountNumber) mismatch['account.number'] = '口座番号がお客さまの口座と一致しません'
    if (form.ibContractId !== c.ibContractId) mismatch['ibContractId'] = 'IB契約者IDがお客さまの登録と一致しません'
    if (Object.keys(mismatch).length) throw new AppError('ACCOUNT_MISMATCH', undefined, mismatch)

    const open = tx
      .select({ receiptNo: otpRequests.receiptNo })
      .from(otpRequests)
      .where(and(eq(otpRequests.customerId, c.id), inArray(otpRequests.state, ['pending_review', 'returned'])))
      .get()
    if (open)
      throw new AppError('REQUEST_ALREADY_PENDING', `このお客さまには処理中の依頼（受付番号 ${open.receiptNo}）があります。先にその依頼を完了してください。`)

    const blocked = blockedError(kind, c.otpStatus, c.cancelledOn, today)
    if (blocked) throw blocked

    const branch = tx.select().from(branches).where(eq(branches.code, user.branchCode)).get()
    if (!branch) throw new AppError('NOT_FOUND', '職員の所属店が見つかりません。')
    const receiptNo = nextReceiptNo(tx, branch.code, today)
    const req = tx
      .insert(otpRequests)
      .values({
        receiptNo,
        branchId: branch.id,
        customerId: c.id,
        kind,
        state: 'pending_review',
        statusAtReceipt: c.otpStatus,
        resultStatus: REQUEST_TRANSITIONS[kind].to,
        formJson: JSON.stringify(form),
        idDocumentType: form.identity.documentType,
        secondDocumentType: form.identity.secondDocumentType ?? null,
        idCheckedBy: user.staffId,
        sealMatched: form.sealMatched,
        businessDate: today,
        receivedBy: user.staffId,
        receivedAt: at,
      })
      .returning({ id: otpRequests.id })
      .get()
    tx.insert(otpHistory)
      .values({
        customerId: c.id,
        at,
        kind: 'request_received',
        requestId: req.id,
        fromStatus: c.otpStatus,
        toStatus: null,
        actorId: user.staffId,
        note: '受付（検印待ち）',
      })
      .run()
    writeAudit(tx, {
      at,
      actorId: user.staffId,
      actorLoginId: user.loginId,
      action: 'requests.receiveNewApplication',
      outcome: 'ok',
      target: `request:${req.id}`,
      detail: { receiptNo, customerId: c.id, kind },
    })
    return req.id
  })
  ctx.events.emitChanged({ kind: 'request_received', customerId: form.customerId, requestId })
  return getRequest(ctx, { requestId })
}

export function getRequest(ctx: AppContext, input: { requestId: number }): RequestDetail {
  const [summary] = requestSummaries(ctx, eq(otpRequests.id, input.requestId), 'oldest')
  if (!summary) throw new AppError('REQUEST_NOT_FOUND')
  const r = ctx.db.select().from(otpRequests).where(eq(otpRequests.id, input.requestId)).get()!
  const checker = ctx.db.select({ name: staff.name }).from(staff).where(eq(staff.id, r.idCheckedBy)).get()
  const form = JSON.parse(r.formJson) as NewApplicationForm
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
  }
}

/** The 検印 queue: requests waiting for a supervisor, oldest first. */
export function pendingReview(ctx: AppContext): RequestSummary[] {
  return requestSummaries(ctx, eq(otpRequests.state, 'pending_review'), 'oldest')
}

export function approveRequest(ctx: AppContext, input: OpParsed<'requests.approve'>, caller: Caller): RequestDetail {
  const user = requireUser(caller)
  const at = ctx.clock().toISOString()
  const today = japanDate(ctx.clock())
  const refuse = (err: AppError, detail: Record<string, unknown>): never => {
    writeAudit(ctx.db, {
      at,
      actorId: user.staffId,
      actorLoginId: user.loginId,
      action: 'requests.approve',
      outcome: 'refused',
      target: `request:${input.requestId}`,
      detail: { reason: err.code, ...detail },
    })
    throw audited(err)
  }

  let customerId = 0
  try {
    writeTransaction(ctx.db, (tx) => {
      const r = tx.select().from(otpRequests).where(eq(otpRequests.id, input.requestId)).get()
      if (!r) throw new AppError('REQUEST_NOT_FOUND')
      if (r.receivedBy === user.staffId) throw new AppError('SELF_APPROVAL')
      if (r.state !== 'pending_review')
        throw new AppError('REQUEST_NOT_PENDING', `この依頼は既に「${r.state === 'approved' ? '承認' : r.state === 'returned' ? '差戻し' : '取消'}」されています。`)
      if (r.version !== input.version) throw new AppError('STALE_VERSION')
      const c = tx.select().from(customers).where(eq(customers.id, r.customerId)).get()!
      if (!REQUEST_TRANSITIONS[r.kind].from.includes(c.otpStatus)) throw blockedError(r.kind, c.otpStatus, null, today)!

      // Optimistic check enforced by the UPDATE itself: of two concurrent approvals one matches.
      const changed = tx
        .update(otpRequests)
        .set({ state: 'approved', reviewedBy: user.staffId, reviewedAt: at, version: r.version + 1 })
        .where(and(eq(otpRequests.id, r.id), eq(otpRequests.version, input.version), eq(otpRequests.state, 'pending_review')))
        .run().changes
      if (changed !== 1) throw new AppError('STALE_VERSION')

      const to = r.resultStatus
      tx.update(customers)
        .set({
          otpStatus: to,
          statusChangedAt: at,
          updatedAt: at,
          version: c.version + 1,
          ...(r.kind === 'unlock' ? { wrongEntryCount: 0 } : {}),
          ...(r.kind === 'cancellation' ? { cancelledOn: today } : {}),
        })
        .where(eq(customers.id, c.id))
        .run()
      tx.insert(otpHistory)
        .values({ customerId: c.id, at, kind: 'request_approved', requestId: r.id, fromStatus: c.otpStatus, toStatus: to, actorId: user.staffId, note: '検印・承認' })
        .run()
      writeAudit(tx, {
        at,
        actorId: user.staffId,
        actorLoginId: user.loginId,
        action: 'requests.approve',
        outcome: 'ok',
        target: `request:${r.id}`,
        detail: { receiptNo: r.receiptNo, from: c.otpStatus, to },
      })
      customerId = c.id
    })
  } catch (err) {
    if (err instanceof AppError && err.code !== 'REQUEST_NOT_FOUND') refuse(err, { version: input.version })
    throw err
  }
  ctx.events.emitChanged({ kind: 'request_approved', customerId, requestId: input.requestId })
  return getRequest(ctx, { requestId: input.requestId })
}
