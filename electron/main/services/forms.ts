// Printing: the main process gathers the data, builds the PDF from a pure form definition in
// forms/, archives it under the data folder with its SHA-256, records it in the ledger and returns
// the bytes. The renderer names the form and the request; it never chooses a path or sends markup.
import { createHash } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { and, eq, sql } from 'drizzle-orm'
import { branches, customers, otpRequests, printedForms } from '../../../db/schema'
import { customerReceiptDefinition } from '../../../forms/customerReceipt'
import { renderPdf } from '../../../forms/render'
import type { CustomerReceiptData } from '../../../forms/types'
import { AppError } from '../../../shared/errors'
import type { OpParsed } from '../../../shared/contract'
import { ACCOUNT_TYPE_LABELS } from '../../../shared/schemas'
import type { PrintedForm } from '../../../shared/types'
import { writeAudit } from '../audit'
import type { AppContext } from '../context'
import { requireUser, type Caller } from './caller'
import { staff } from '../../../db/schema'

/** Domains the customer must allow for the centre's e-mail (seeds 000, 002, 004). */
export const CENTRE_MAIL_DOMAINS = ['@otp-auth.net']

function archive(ctx: AppContext, rel: string, pdf: Buffer): void {
  const abs = path.join(ctx.dataDir, rel)
  fs.mkdirSync(path.dirname(abs), { recursive: true })
  const fd = fs.openSync(abs, 'wx')
  try {
    fs.writeSync(fd, pdf)
    fs.fsyncSync(fd)
  } finally {
    fs.closeSync(fd)
  }
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

  const previous =
    ctx.db
      .select({ n: sql<number>`count(*)` })
      .from(printedForms)
      .where(and(eq(printedForms.requestId, r.id), eq(printedForms.formKind, formKind)))
      .get()?.n ?? 0
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
    reprint: previous > 0 ? { count: previous } : null,
    centreMailDomains: CENTRE_MAIL_DOMAINS,
  }
  const pdf = await renderPdf(customerReceiptDefinition(data))
  const sha256 = createHash('sha256').update(pdf).digest('hex')
  const at = ctx.clock().toISOString()
  const fileName = `${r.receiptNo}_お客さま控${previous > 0 ? `_再発行${previous}` : ''}.pdf`
  const rel = path.join('forms', r.businessDate.slice(0, 4), r.businessDate.slice(5, 7), fileName)
  archive(ctx, rel, pdf)
  ctx.db.transaction((tx) => {
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
  })
  return { fileName, pdfBase64: pdf.toString('base64'), sha256, reprint: previous > 0 }
}
