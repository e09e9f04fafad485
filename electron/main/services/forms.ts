// Printing: the main process gathers the data from the ledger, builds the PDF from a pure form
// definition in forms/, and for a print archives it under the data folder with its SHA-256, records
// it in the ledger and audits it. A preview builds the same document without archiving or recording
// it. The renderer names the form and the request (or the journal's date); it never chooses a path
// or sends markup.
import { createHash } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { and, asc, eq, gte, isNull, lt, sql } from 'drizzle-orm'
import { alias } from 'drizzle-orm/sqlite-core'
import type { TDocumentDefinitions } from 'pdfmake/interfaces'
import { archivedFile } from '../../../db/formArchive'
import { keyPlaceholder, manyRows, preparedQuery } from '../../../db/prepared'
import { auditLog, branches, customers, otpHistory, otpRequests, printedForms, staff } from '../../../db/schema'
import { completionNoticeDefinition } from '../../../forms/completionNotice'
import { customerReceiptDefinition } from '../../../forms/customerReceipt'
import { dailyJournalDefinition } from '../../../forms/dailyJournal'
import { handlingRecordDefinition } from '../../../forms/handlingRecord'
import { renderPdf } from '../../../forms/render'
import type { DailyJournalData, DailyJournalRow, FormIssuer, ReprintMark, TrailEntry, UnlockWarning } from '../../../forms/types'
import { AppError } from '../../../shared/errors'
import type { OpParsed } from '../../../shared/contract'
import { addDays, japanDate, toWarekiWithSeireki } from '../../../shared/datetime'
import {
  ACCOUNT_TYPE_LABELS,
  FORM_LABELS,
  ID_DOCUMENT_LABELS,
  SECOND_DOCUMENT_LABELS,
  type FormName,
  type RequestForm,
  type RequestFormName,
} from '../../../shared/schemas'
import { REQUEST_KIND_LABELS, formAvailable } from '../../../shared/status'
import type { FormDocument, HistoryKind, PrintedForm, RequestDetail, SessionUser } from '../../../shared/types'
import { writeAudit } from '../audit'
import { renderDailyJournalInWorker } from '../journalPdfInWorker'
import { writeTransaction, type Tx } from '../tx'
import type { AppContext } from '../context'
import { requireUser, type Caller } from './caller'
import { requireVisible, viewedBranch } from './branchScope'
import { repeatUnlocks } from './requests'
import { getSettings } from './settings'
import { dayCounts, dayRefusals, journalNote, journalSelect, unlockFlags } from './journal'

type Db = AppContext['db'] | Tx

/** What one print is of: a request's form, or the branch's journal of a date. */
interface PrintTarget {
  form: FormName
  requestId: number | null
  branchId: number | null
  businessDate: string
  /** File name without the reprint suffix and extension, e.g. '001-20261121-0003_お客さま控'. */
  baseName: string
  title: string
  auditTarget: string
  auditDetail: Record<string, unknown>
  /** The document for this print number (null: first print) at this instant. */
  build: (reprint: ReprintMark, at: Date) => Promise<TDocumentDefinitions>
  /** Its PDF bytes: the definition rendered in the main thread (the counter forms, small and warmed
   * up), or, for the 日次取扱一覧, the data rendered in a worker thread (journalPdfInWorker.ts). */
  render: (reprint: ReprintMark, at: Date) => Promise<Buffer>
}

/** A target whose PDF is its definition rendered here, in the main thread. */
const renderedHere = (t: Omit<PrintTarget, 'render'>): PrintTarget => ({ ...t, render: async (reprint, at) => renderPdf(await t.build(reprint, at)) })

// ---- gathering the data -------------------------------------------------------------------------

const receiver = alias(staff, 'receiver')
const reviewer = alias(staff, 'reviewer')
const checker = alias(staff, 'checker')

async function loadRequest(db: Db, requestId: number) {
  const r = await db
    .select({
      id: otpRequests.id,
      receiptNo: otpRequests.receiptNo,
      kind: otpRequests.kind,
      state: otpRequests.state,
      businessDate: otpRequests.businessDate,
      receivedAt: otpRequests.receivedAt,
      reviewedAt: otpRequests.reviewedAt,
      statusAtReceipt: otpRequests.statusAtReceipt,
      resultStatus: otpRequests.resultStatus,
      formJson: otpRequests.formJson,
      sealMatched: otpRequests.sealMatched,
      returnReason: otpRequests.returnReason,
      withdrawReason: otpRequests.withdrawReason,
      repeatUnlockAcknowledged: otpRequests.repeatUnlockAcknowledged,
      repeatUnlockCount: otpRequests.repeatUnlockCount,
      repeatUnlockDays: otpRequests.repeatUnlockDays,
      repeatUnlockLastAt: otpRequests.repeatUnlockLastAt,
      branchId: branches.id,
      branchCode: branches.code,
      branchName: branches.name,
      customerId: customers.id,
      nameKanji: customers.nameKanji,
      nameKana: customers.nameKana,
      accountBranchCode: customers.accountBranchCode,
      accountType: customers.accountType,
      accountNumber: customers.accountNumber,
      ibContractId: customers.ibContractId,
      receivedByName: receiver.name,
      reviewedByName: reviewer.name,
      checkedByName: checker.name,
    })
    .from(otpRequests)
    .innerJoin(branches, eq(branches.id, otpRequests.branchId))
    .innerJoin(customers, eq(customers.id, otpRequests.customerId))
    .innerJoin(receiver, eq(receiver.id, otpRequests.receivedBy))
    .innerJoin(checker, eq(checker.id, otpRequests.idCheckedBy))
    .leftJoin(reviewer, eq(reviewer.id, otpRequests.reviewedBy))
    .where(eq(otpRequests.id, requestId))
    .get()
  if (!r) throw new AppError('REQUEST_NOT_FOUND')
  return r
}
type RequestRow = Awaited<ReturnType<typeof loadRequest>>

const TRAIL_LABELS: Record<Exclude<HistoryKind, 'event'>, string> = {
  request_received: '受付',
  request_returned: '差戻し',
  request_resubmitted: '再提出',
  request_approved: '検印・承認',
  request_withdrawn: '取消',
  request_superseded: '失効（緊急停止）',
  request_taken_over: '引継ぎ',
  unlock_refused: '不正の疑いでお断り',
}

async function trailOf(db: Db, requestId: number): Promise<TrailEntry[]> {
  return (await db
    .select({ at: otpHistory.at, kind: otpHistory.kind, actorName: staff.name, note: otpHistory.note })
    .from(otpHistory)
    .leftJoin(staff, eq(staff.id, otpHistory.actorId))
    .where(eq(otpHistory.requestId, requestId))
    .orderBy(asc(otpHistory.at), asc(otpHistory.id))
    .all())
    .filter((h) => h.kind !== 'event')
    .map((h) => ({ at: h.at, label: TRAIL_LABELS[h.kind as Exclude<HistoryKind, 'event'>], actorName: h.actorName ?? '', note: h.note }))
}

/** A repeated 閉塞解除 as its approver saw and acknowledged it, kept with the approval (never
 * worked out again: the period may have changed since). */
function approvedRepeat(r: {
  repeatUnlockCount: number | null
  repeatUnlockDays: number | null
  repeatUnlockLastAt: string | null
}): RequestDetail['repeatUnlock'] {
  return r.repeatUnlockCount !== null && r.repeatUnlockDays !== null && r.repeatUnlockLastAt !== null
    ? { count: r.repeatUnlockCount, days: r.repeatUnlockDays, lastApprovedAt: r.repeatUnlockLastAt }
    : null
}

/** The branch, and what the administrator set for the forms (支店設定). */
async function issuerOf(db: Db, r: { branchCode: string; branchName: string }): Promise<FormIssuer & { centreMailDomains: string[] }> {
  const s = await getSettings(db)
  return {
    branch: { code: r.branchCode, name: r.branchName },
    ...(s.institutionName ? { institutionName: s.institutionName } : {}),
    ...(s.branchPhone ? { branchPhone: s.branchPhone } : {}),
    centreMailDomains: s.centreMailDomains,
  }
}

function customerCopyOf(r: RequestRow) {
  return {
    nameKanji: r.nameKanji,
    nameKana: r.nameKana,
    accountBranchCode: r.accountBranchCode,
    accountTypeLabel: ACCOUNT_TYPE_LABELS[r.accountType],
    accountNumber: r.accountNumber,
  }
}

/** The print target of a request's form; refuses a form the request's state does not allow. */
export async function requestTarget(ctx: AppContext, form: RequestFormName, requestId: number, user: SessionUser): Promise<PrintTarget> {
  const r = await loadRequest(ctx.db, requestId)
  // A branch shows and prints the forms of its own requests only; the head office sees every
  // branch's (and prints none: refused by the dispatcher). The journal is scoped the same way.
  await requireVisible(ctx.db, user, r.branchId)
  if (!formAvailable(form, r.state)) {
    const why =
      form === 'completion_notice' ? '処理完了のお知らせは、承認された依頼だけ印刷できます。' : '取消された依頼のお客さま控は印刷できません。'
    throw new AppError('FORM_NOT_AVAILABLE', why)
  }
  const kindLabel = REQUEST_KIND_LABELS[r.kind]
  const base = {
    form,
    requestId: r.id,
    branchId: null,
    businessDate: r.businessDate,
    baseName: `${r.receiptNo}_${FORM_LABELS[form]}`,
    title: `${FORM_LABELS[form]}（${kindLabel}）${r.receiptNo}`,
    auditTarget: `request:${r.id}`,
    auditDetail: { receiptNo: r.receiptNo },
  }
  switch (form) {
    case 'customer_receipt':
      return renderedHere({
        ...base,
        build: async (reprint) =>
          customerReceiptDefinition({
            ...await issuerOf(ctx.db, r),
            receiptNo: r.receiptNo,
            requestKind: r.kind,
            businessDate: r.businessDate,
            receivedAt: r.receivedAt,
            customer: customerCopyOf(r),
            receivedByName: r.receivedByName,
            reprint,
          }),
      })
    case 'completion_notice': {
      const completedAt = r.reviewedAt!
      const completedOn = japanDate(new Date(completedAt))
      return renderedHere({
        ...base,
        build: async (reprint) =>
          completionNoticeDefinition({
            ...await issuerOf(ctx.db, r),
            receiptNo: r.receiptNo,
            requestKind: r.kind,
            businessDate: r.businessDate,
            completedOn,
            completedAt,
            customer: customerCopyOf(r),
            resultStatus: r.resultStatus,
            newApplicationFrom: r.kind === 'cancellation' ? addDays(completedOn, 1) : null,
            reprint,
          }),
      })
    }
    case 'handling_record': {
      const form = JSON.parse(r.formJson) as RequestForm
      const trail = await trailOf(ctx.db, r.id)
      // A repeated unlock as the approver saw it, or as it stands now while undecided.
      const repeat =
        r.kind !== 'unlock'
          ? null
          : r.state === 'approved'
            ? approvedRepeat(r)
            : r.state === 'pending_review'
              ? await repeatUnlocks(ctx.db, r.customerId, ctx.clock(), r.id)
              : null
      const decided = r.state === 'approved' && r.reviewedAt && r.reviewedByName
      return renderedHere({
        ...base,
        build: async (reprint, at) =>
          handlingRecordDefinition({
            ...await issuerOf(ctx.db, r),
            receiptNo: r.receiptNo,
            requestKind: r.kind,
            state: r.state,
            businessDate: r.businessDate,
            receivedAt: r.receivedAt,
            customer: { ...customerCopyOf(r), ibContractId: r.ibContractId },
            form,
            statusAtReceipt: r.statusAtReceipt,
            resultStatus: r.resultStatus,
            identity: {
              documentLabel: ID_DOCUMENT_LABELS[form.identity.documentType],
              secondDocumentLabel: form.identity.secondDocumentType ? SECOND_DOCUMENT_LABELS[form.identity.secondDocumentType] : null,
              checkedByName: r.checkedByName,
            },
            sealMatched: r.sealMatched,
            repeatUnlock: repeat ? { ...repeat, acknowledged: r.repeatUnlockAcknowledged } : null,
            receivedBy: { name: r.receivedByName, at: r.receivedAt },
            reviewedBy: decided ? { name: r.reviewedByName!, at: r.reviewedAt! } : null,
            returnReason: r.state === 'returned' ? r.returnReason : null,
            withdrawReason: r.withdrawReason,
            trail,
            printedAt: at.toISOString(),
            printedByName: user.name,
            reprint,
          }),
      })
    }
  }
}

/** UTC instants bounding a Japan business date. */
function japanDayBounds(ymd: string): { from: string; to: string } {
  return {
    from: new Date(`${ymd}T00:00:00+09:00`).toISOString(),
    to: new Date(`${addDays(ymd, 1)}T00:00:00+09:00`).toISOString(),
  }
}

/** The refusals for suspected fraud the journal lists, by the operation that was refused. */
const FRAUD_STAGES = { 'requests.resubmit': 'resubmission', 'requests.decideUnlock': 'approval' } as const

// The journal's reads are prepared once per connection (db/prepared.ts): building these drizzle
// queries cost more than running them (a day of 2,000 requests is read on the journal index).
/** The branch's requests of one business date, in the order received (otp_requests_journal_idx);
 * its rows mapped by manyRows (drizzle's own mapping of 2,000 lines took ~12 ms, manyRows ~0.6 ms). */
const journalRequests = (db: AppContext['db']) =>
  preparedQuery(db, 'journal.requests', (d) =>
    manyRows(
      journalSelect(d)
        // `+?`: bound plainly, this ordered statement was compiled again on every call (keyPlaceholder).
        .where(and(eq(otpRequests.branchId, keyPlaceholder('branchId')), eq(otpRequests.businessDate, keyPlaceholder('businessDate'))))
        .orderBy(asc(otpRequests.receivedAt), asc(otpRequests.id))
        .prepare(),
    ),
  )

/** The branch's refusals for suspected fraud in one Japan day, from the audit (audit_log_outcome_idx). */
const journalFraudRefusals = (db: AppContext['db']) =>
  preparedQuery(db, 'journal.fraudRefusals', (d) =>
    d
      .select({ id: auditLog.id, at: auditLog.at, action: auditLog.action, target: auditLog.target, actorName: staff.name })
      .from(auditLog)
      .innerJoin(staff, eq(staff.id, auditLog.actorId))
      .where(
        and(
          // Constants and patterns written into the SQL: SQLite compiles a statement again on every
          // call when a value the planner may look at (an indexed column's, a LIKE pattern's
          // prefix) is a bound parameter.
          sql`${auditLog.action} IN (${sql.raw(Object.keys(FRAUD_STAGES).map((a) => `'${a}'`).join(', '))})`,
          sql`${auditLog.outcome} = 'refused'`,
          sql`${auditLog.detailJson} LIKE '%"FRAUD_SUSPECTED"%'`,
          sql`${auditLog.target} LIKE 'request:%'`,
          eq(staff.branchId, sql.placeholder('branchId')),
          gte(auditLog.at, sql.placeholder('from')),
          lt(auditLog.at, sql.placeholder('to')),
        ),
      )
      // No ORDER BY: the action index would need a sort over both actions; a branch's fraud
      // refusals of one day are few, ordered after reading.
      .prepare(),
  )

const requestNameById = (db: AppContext['db']) =>
  preparedQuery(db, 'journal.requestName', (d) =>
    d
      .select({ receiptNo: otpRequests.receiptNo, name: customers.nameKanji })
      .from(otpRequests)
      .innerJoin(customers, eq(customers.id, otpRequests.customerId))
      .where(eq(otpRequests.id, sql.placeholder('id')))
      .prepare(),
  )

/** The 日次取扱一覧 of the caller's branch (the head office: the one it chose) for a business date
 * (today or earlier). */
export async function journalTarget(ctx: AppContext, businessDate: string, user: SessionUser, branchCode?: string | null): Promise<PrintTarget> {
  const today = japanDate(ctx.clock())
  if (businessDate > today) {
    throw new AppError('JOURNAL_DATE_IN_FUTURE', undefined, { businessDate: '本日以前の日付を指定してください' })
  }
  const branch = await viewedBranch(ctx.db, user, branchCode)

  const requests = await journalRequests(ctx.db)({ branchId: branch.id, businessDate })
  const counterRefusals = await dayRefusals(ctx.db, branch.id, businessDate)
  const refused = new Set(counterRefusals.map((r) => r.customerId))

  const rows: DailyJournalRow[] = requests.map((q) => ({
    receiptNo: q.receiptNo,
    receivedAt: q.receivedAt,
    requestKind: q.kind,
    state: q.state,
    customerName: q.customerName,
    customerKana: q.customerKana,
    accountBranchCode: q.accountBranchCode,
    accountTypeLabel: ACCOUNT_TYPE_LABELS[q.accountType],
    accountNumber: q.accountNumber,
    receivedByName: q.receivedByName,
    // 検印者: the approver. A returned request names who returned it, in the note.
    reviewedByName: q.state === 'approved' ? q.reviewedByName : null,
    reviewedAt: q.state === 'approved' ? q.reviewedAt : null,
    note: journalNote(q),
    returnedCount: q.returnedCount,
    resubmittedCount: q.resubmittedCount,
    flags: unlockFlags(q, refused),
  }))

  const warnings: UnlockWarning[] = []
  for (const q of requests.filter((x) => x.kind === 'unlock')) {
    const who = { receiptNo: q.receiptNo, customerName: q.customerName }
    if (q.state === 'pending_review') warnings.push({ kind: 'undecided', ...who })
    else if (q.state !== 'approved')
      warnings.push({ kind: 'not_approved', ...who, state: q.state, reason: q.state === 'returned' ? q.returnReason : q.state === 'withdrawn' ? q.withdrawReason : `緊急停止 ${q.supersededByReceiptNo ?? ''}` })
    else {
      const repeat = approvedRepeat(q)
      if (repeat) warnings.push({ kind: 'repeat', ...who, count: repeat.count + 1, days: repeat.days, acknowledged: q.repeatUnlockAcknowledged })
    }
    // ⑤ 他の人がコードを入力した可能性「あり」: flagged whatever became of the unlock.
    if (q.othersMayHaveTried === 1) warnings.push({ kind: 'others_tried', ...who, state: q.state })
  }
  // 閉塞解除 refused at the counter for suspected fraud (no request exists): counter_refusals.
  for (const f of counterRefusals) warnings.push({ kind: 'fraud_refused', stage: 'reception', at: f.at, customerName: f.customerName, actorName: f.actorName })
  // ... and refused at 再提出 or at the decision, from the audit (the target is the request).
  const { from, to } = japanDayBounds(businessDate)
  const refusals = (await journalFraudRefusals(ctx.db)
    .all({ branchId: branch.id, from, to }))
    .sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.id - b.id))
  for (const f of refusals) {
    const stage = FRAUD_STAGES[f.action as keyof typeof FRAUD_STAGES]
    const q = await requestNameById(ctx.db).get({ id: Number(f.target!.split(':')[1]) })
    if (q) warnings.push({ kind: 'fraud_refused', stage, at: f.at, receiptNo: q.receiptNo, customerName: q.name, actorName: f.actorName })
  }
  const progress = await dayCounts(ctx.db, branch.id, businessDate, counterRefusals.length)

  /** The journal's data for this print number at this instant: plain values only (it crosses to
   * the worker that renders it). */
  const data = async (reprint: ReprintMark, at: Date): Promise<DailyJournalData> => ({
    ...await issuerOf(ctx.db, { branchCode: branch.code, branchName: branch.name }),
    businessDate,
    rows,
    unlockWarnings: warnings,
    progress: {
      returns: progress.returns,
      resubmissions: progress.resubmissions,
      withdrawals: progress.withdrawals,
      supersessions: progress.supersessions,
      urgentStops: progress.urgentStops,
      fraudRefusals: progress.fraudRefusals,
    },
    generatedAt: at.toISOString(),
    generatedByName: user.name,
    reprint,
    // The journal as it stands while this page is made (its own print is the next entry).
    ledgerDigest: await ctx.ledger.digest(),
  })

  return {
    form: 'daily_journal',
    requestId: null,
    branchId: branch.id,
    businessDate,
    baseName: `日次取扱一覧_${branch.code}_${businessDate}`,
    title: `日次取扱一覧 ${toWarekiWithSeireki(businessDate)} ${branch.name}`,
    auditTarget: `journal:${branch.code}:${businessDate}`,
    auditDetail: { businessDate, rows: rows.length, unlockWarnings: warnings.length },
    build: async (reprint, at) => dailyJournalDefinition(await data(reprint, at)),
    // ~2 s of CPU and ~100 MB of heap for a day of 2,000 lines: in a worker thread that ends with
    // the render, so the main process answers meanwhile and its memory does not keep the peak.
    render: async (reprint, at) => renderDailyJournalInWorker(await data(reprint, at)),
  }
}

// ---- printing -----------------------------------------------------------------------------------

/** How often a form was printed: a request's form, or the branch's journal of a date. Prepared
 * once per connection (the transaction of a print shares it). */
async function printCount(db: Db, t: PrintTarget): Promise<number> {
  if (t.requestId !== null)
    return (
      (await preparedQuery(db, 'printedForms.countOfRequestForm', (d) =>
        d
          .select({ n: sql<number>`count(*)` })
          .from(printedForms)
          .where(and(eq(printedForms.requestId, sql.placeholder('requestId')), eq(printedForms.formKind, sql.placeholder('form'))))
          .prepare(),
      ).get({ requestId: t.requestId, form: t.form }))?.n ?? 0
    )
  return (
    (await preparedQuery(db, 'printedForms.countOfJournal', (d) =>
      d
        .select({ n: sql<number>`count(*)` })
        .from(printedForms)
        .where(
          and(
            isNull(printedForms.requestId),
            eq(printedForms.branchId, sql.placeholder('branchId')),
            eq(printedForms.businessDate, sql.placeholder('businessDate')),
            eq(printedForms.formKind, sql.placeholder('form')),
          ),
        )
        .prepare(),
    ).get({ branchId: t.branchId!, businessDate: t.businessDate, form: t.form }))?.n ?? 0
  )
}

const reprintMark = (count: number): ReprintMark => (count > 0 ? { count } : null)
const fileNameOf = (t: PrintTarget, count: number) => `${t.baseName}${count > 0 ? `_再発行${count}` : ''}.pdf`

/** Makes a rename in `dir` durable. Windows cannot open a folder for this; NTFS journals the
 * rename itself, so there it is skipped. */
function syncDir(dir: string): void {
  if (process.platform === 'win32') return
  const fd = fs.openSync(dir, 'r')
  try {
    fs.fsyncSync(fd)
  } finally {
    fs.closeSync(fd)
  }
}

/** Writes the PDF under the data folder: to a temporary name first, synced, then renamed and the
 * folder synced, so a half-written file never stands under the final name and a print recorded
 * in the ledger never points at a file a power cut took away. `rel` uses '/' on every system (it
 * is stored in the ledger and read back by backups, possibly on another one). */
function archive(ctx: AppContext, rel: string, pdf: Buffer): void {
  const abs = archivedFile(ctx.dataDir, rel)
  fs.mkdirSync(path.dirname(abs), { recursive: true })
  const tmp = `${abs}.${process.pid}.tmp`
  try {
    const fd = fs.openSync(tmp, 'w')
    try {
      fs.writeSync(fd, pdf)
      fs.fsyncSync(fd)
    } finally {
      fs.closeSync(fd)
    }
    fs.renameSync(tmp, abs)
  } catch (err) {
    fs.rmSync(tmp, { force: true }) // nothing half-written stays in forms/ (a full disk, a failing drive)
    throw err
  }
  syncDir(path.dirname(abs))
}

/** Removes an archived file that no print row names (a lost race, a failed recording). */
async function dropUnrecorded(ctx: AppContext, rel: string): Promise<void> {
  if (!await ctx.db.select({ id: printedForms.id }).from(printedForms).where(eq(printedForms.filePath, rel)).get())
    fs.rmSync(archivedFile(ctx.dataDir, rel), { force: true })
}

async function previewTarget(ctx: AppContext, t: PrintTarget): Promise<FormDocument> {
  const count = await printCount(ctx.db, t)
  const pdf = await t.render(reprintMark(count), ctx.clock())
  return { form: t.form, title: t.title, fileName: fileNameOf(t, count), pdfBase64: pdf.toString('base64'), printCount: count }
}

async function printTarget(ctx: AppContext, t: PrintTarget, user: SessionUser): Promise<PrintedForm> {
  // The print number is settled in the transaction that records it. Rendering is asynchronous, so
  // it happens before; if another print of the same form was recorded meanwhile, the PDF (which
  // carries the reprint count) is rendered again. The archive name holds the hash, so a file left
  // by an interrupted print never blocks the next one.
  for (let attempt = 0; attempt < 5; attempt++) {
    const previous = await printCount(ctx.db, t)
    const now = ctx.clock()
    const pdf = await t.render(reprintMark(previous), now)
    const sha256 = createHash('sha256').update(pdf).digest('hex')
    const at = now.toISOString()
    const fileName = fileNameOf(t, previous)
    const rel = path.posix.join('forms', t.businessDate.slice(0, 4), t.businessDate.slice(5, 7), fileName.replace(/\.pdf$/, `_${sha256.slice(0, 12)}.pdf`))
    const inFolder = ctx.ledger.printArchive === 'folder'
    if (inFolder) archive(ctx, rel, pdf)
    let recorded: boolean
    try {
      recorded = await writeTransaction(ctx.db, async (tx) => {
        if (await printCount(tx, t) !== previous) return false
        const row = await tx.insert(printedForms)
          .values({
            requestId: t.requestId,
            branchId: t.branchId,
            businessDate: t.requestId === null ? t.businessDate : null,
            formKind: t.form,
            printedAt: at,
            printedBy: user.staffId,
            reprint: previous > 0,
            sha256,
            filePath: rel,
          })
          .returning({ id: printedForms.id })
          .get()
        // On the server ledger the PDF itself goes with its record (its trigger checks the hash).
        if (!inFolder)
          await tx.run(sql`INSERT INTO printed_form_files (printed_form_id, sha256, pdf) VALUES (${row!.id}, ${sha256}, ${pdf})`)
        await writeAudit(tx, {
          at,
          actorId: user.staffId,
          actorLoginId: user.loginId,
          action: previous > 0 ? 'forms.reprint' : 'forms.print',
          outcome: 'ok',
          target: t.auditTarget,
          requestId: t.requestId,
          branchId: t.branchId,
          detail: { formKind: t.form, ...t.auditDetail, sha256, reprintCount: previous, file: rel },
        })
        return true
      })
    } catch (err) {
      // The recording failed: its file goes too, and a failure to clean up never hides why.
      try {
        if (inFolder) await dropUnrecorded(ctx, rel)
      } catch (cleanup) {
        ctx.logger.warn({ code: 'ARCHIVE_CLEANUP_FAILED', file: rel, err: cleanup }, 'could not remove an unrecorded print')
      }
      throw err
    }
    if (recorded)
      return {
        form: t.form,
        title: t.title,
        fileName,
        pdfBase64: pdf.toString('base64'),
        printCount: previous,
        sha256,
        reprint: previous > 0,
        printedAt: at,
        archivedAs: rel,
      }
    // Lost the race: drop this file unless the winner recorded the very same bytes under it.
    if (inFolder) await dropUnrecorded(ctx, rel)
  }
  throw new AppError('STALE_VERSION', '同時に印刷が行われたため印刷できませんでした。もう一度印刷してください。')
}

/** Forms whose preview is recorded: the 取扱記録票 shows the whole account number and the IB契約者ID,
 * so who looked at it, and when, is on the trail even if it was never printed. */
const RECORDED_PREVIEWS: ReadonlySet<FormName> = new Set<FormName>(['handling_record'])

export async function previewForm(ctx: AppContext, input: OpParsed<'forms.preview'>, caller: Caller): Promise<FormDocument> {
  const user = requireUser(caller)
  const t = await requestTarget(ctx, input.form, input.requestId, user)
  const doc = await previewTarget(ctx, t)
  if (RECORDED_PREVIEWS.has(t.form))
    await writeAudit(ctx.db, {
      at: ctx.clock().toISOString(),
      actorId: user.staffId,
      actorLoginId: user.loginId,
      action: 'forms.preview',
      outcome: 'ok',
      target: t.auditTarget,
      requestId: t.requestId,
      detail: { formKind: t.form, ...t.auditDetail, printCount: doc.printCount },
    })
  return doc
}

export async function printForm(ctx: AppContext, input: OpParsed<'forms.print'>, caller: Caller): Promise<PrintedForm> {
  const user = requireUser(caller)
  return printTarget(ctx, await requestTarget(ctx, input.form, input.requestId, user), user)
}

export async function previewDailyJournal(ctx: AppContext, input: OpParsed<'forms.previewDailyJournal'>, caller: Caller): Promise<FormDocument> {
  const user = requireUser(caller)
  return previewTarget(ctx, await journalTarget(ctx, input.businessDate, user, input.branchCode))
}

export async function printDailyJournal(ctx: AppContext, input: OpParsed<'forms.printDailyJournal'>, caller: Caller): Promise<PrintedForm> {
  const user = requireUser(caller)
  return printTarget(ctx, await journalTarget(ctx, input.businessDate, user, input.branchCode), user)
}
