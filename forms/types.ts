// Input types of the print forms. Main gathers these from the ledger; the form functions turn them
// into pdfmake document definitions without any I/O or clock reads.

import type { RequestKind } from '../shared/status'

/** お客さま控: the receipt handed to the customer when a paper request is received. */
export interface CustomerReceiptData {
  /** 受付番号, e.g. '001-20261121-0003'. Also printed as a QR code. */
  receiptNo: string
  requestKind: RequestKind
  /** 受付日: 'YYYY-MM-DD', Japan date of reception. */
  businessDate: string
  /** ISO-8601 UTC instant of reception (shown as Japan time; also the PDF's creation date). */
  receivedAt: string
  /** 受付店: code '001', name '本店営業部'. */
  branch: { code: string; name: string }
  customer: {
    nameKanji: string
    nameKana: string
    /** 代表口座の店番 (3 digits). */
    accountBranchCode: string
    /** 預金種目: '普通' / '当座' / '貯蓄'. */
    accountTypeLabel: string
    /** 7 digits. The form prints only the last 4 (***1234); never the full number. */
    accountNumber: string
  }
  /** 受付者 (teller name). */
  receivedByName: string
  /** Non-null for a reprint: the form says 「再発行（N回目）」. */
  reprint: { count: number } | null
  /** Domains the customer must allow for the centre's e-mail, e.g. ['@otp-auth.net']. */
  centreMailDomains: string[]
  /** Name of the credit union for the heading and footer, e.g. '〇〇信用組合'. Optional. */
  institutionName?: string
  /** Branch telephone for enquiries, printed in the footer when given. Optional. */
  branchPhone?: string
}
