// Printing: the main process gathers the data, builds the PDF from a pure form definition in
// forms/, archives it under the data folder with its SHA-256, records it in the ledger and returns
// the bytes. The renderer names the form and the request; it never chooses a path or sends markup.
import { createHash } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { and, eq, sql } from 'drizzle-orm'
import { branches, customers, otpRequests, printedForms, staff } from '../../../db/schema'
import { customerReceiptDefinition } from '../../../forms/customerReceipt'
import { renderPdf } from '../../../forms/render'
import type { CustomerReceiptData } from '../../../forms/types'
import { AppError } from '../../../shared/errors'
import type { OpParsed } from '../../../shared/contract'
import { ACCOUNT_TYPE_LABELS } from '../../../shared/schemas'
import type { PrintedForm } from '../../../shared/types'
import { writeAudit } from '../audit'
import { writeTransaction } from '../tx'
import type { AppContext } from '../context'
import { requireUser, type Caller } from './caller'

/** Domains the customer must allow for the centre's e-mail (seeds 000, 002, 004). */
export const CENTRE_MAIL_DOMAINS = ['@otp-auth.net']

/** Writes the PDF under the data folder: to a temporary name first, synced, then renamed, so a
 * half-written file never stands under the final name. */
function archive(ctx: AppContext, rel: string, pdf: Buffer): void {
  const abs = path.join(ctx.dataDir, rel)
  fs.mkdirSync(path.dirname(abs), { recursive: true })
  const tmp = `${abs}.${process.pid}.tmp`
  const fd = fs.openSync(tmp, 'w')
  try {
    fs.writeSync(fd, pdf)
    fs.fsyncSync(fd)
  } finally {
    fs.closeSync(fd)
  }
  fs.renameSync(tmp, abs)
}

function printCount(db: Pick<AppContext['db'], 'select'>, requestId: number, formKind: string): number {
  return (
    db
      .select({ n: sql<number>`count(*)` })
      .from(printedForms)
      .where(and(eq(printedForms.requestId, requestId), eq(printedForms.formKind, formKind)))
      .get()?.n ?? 0
  )
}

export async function printCustomerReceipt(
  ctx: AppContext,
  input: OpParsed<'forms.customerReceipt'>,
  caller: Caller,
): Promise<PrintedForm> {
  const user = requireUser(caller)
  const formKind = 'customer_receipt'
  const r = ctx.db
    .select({
      id: otpRequests.id,
      receiptNo: otpRequests.receiptNo,
      kind: otpRequests.kind,
      businessDate: otpRequests.businessDate,
      receivedAt: otpRequests.receivedAt,
      branchCode: branches.code,
      branchName: branches.name,
      nameKanji: customers.nameKanji,
      nameKana: customers.nameKana,
      accountBranchCode: customers.accountBranchCode,
      accountType: customers.accountType,
      accountNumber: customers.accountNumber,
      receivedByName: staff.name,
    })
    .from(otpRequests)
    .innerJoin(branches, eq(branches.id, otpRequests.branchId))
    .innerJoin(customers, eq(customers.id, otpRequests.customerId))
    .innerJoin(staff, eq(staff.id, otpRequests.receivedBy))
    .where(eq(otpRequests.id, input.requestId))
    .get()
  if (!r) throw new AppError('REQUEST_NOT_FOUND')

  const data: CustomerReceiptData = {
    receiptNo: r.receiptNo,
    requestKind: r.kind,
    businessDate: r.businessDate,
    receivedAt: r.receivedAt,
    branch: { code: r.branchCode, name: r.branchName },
    customer: {
      nameKanji: r.nameKanji,
      nameKana: r.nameKana,
      accountBranchCode: r.accountBranchCode,
      accountTypeLabel: ACCOUNT_TYPE_LABELS[r.accountType],
      accountNumber: r.accountNumber,
    },
    receivedByName: r.receivedByName,
    reprint: null,
    centreMailDomains: CENTRE_MAIL_DOMAINS,
  }
  // The print number is settled in the transaction that records it. Rendering is asynchronous, so
  // it happens before; if another print of the same request was recorded meanwhile, the PDF (which
  // carries the reprint count) is rendered again. The archive name holds the hash, so a file left
  // by an interrupted print never blocks the next one.
  for (let attempt = 0; attempt < 5; attempt++) {
    const previous = printCount(ctx.db, r.id, formKind)
    const pdf = await renderPdf(customerReceiptDefinition({ ...data, reprint: previous > 0 ? { count: previous } : null }))
    const sha256 = createHash('sha256').update(pdf).digest('hex')
    const at = ctx.clock().toISOString()
    const fileName = `${r.receiptNo}_お客さま控${previous > 0 ? `_再発行${previous}` : ''}.pdf`
    const rel = path.join('forms', r.businessDate.slice(0, 4), r.businessDate.slice(5, 7), fileName.replace(/\.pdf$/, `_${sha256.slice(0, 12)}.pdf`))
    archive(ctx, rel, pdf)
    const recorded = writeTransaction(ctx.db, 
      (tx) => {
        if (printCount(tx, r.id, formKind) !== previous) return false
        tx.insert(printedForms)
          .values({ requestId: r.id, formKind, printedAt: at, printedBy: user.staffId, reprint: previous > 0, sha256, filePath: rel })
          .run()
        writeAudit(tx, {
          at,
          actorId: user.staffId,
          actorLoginId: user.loginId,
          action: previous > 0 ? 'forms.reprint' : 'forms.print',
          outcome: 'ok',
          target: `request:${r.id}`,
          detail: { formKind, receiptNo: r.receiptNo, sha256, reprintCount: previous },
        })
        return true
      }
    )
    if (recorded) return { fileName, pdfBase64: pdf.toString('base64'), sha256, reprint: previous > 0 }
    // Lost the race: drop this file unless the winner recorded the very same bytes under it.
    if (!ctx.db.select({ id: printedForms.id }).from(printedForms).where(eq(printedForms.filePath, rel)).get())
      fs.rmSync(path.join(ctx.dataDir, rel), { force: true })
  }
  throw new AppError('STALE_VERSION', '同時に印刷が行われたため印刷できませんでした。もう一度印刷してください。')
}
