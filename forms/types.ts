// Input types of the print forms. Main gathers these from the ledger; the form functions turn them
// into pdfmake document definitions without any I/O or clock reads.

import type { RequestForm } from '../shared/schemas'
import type { OtpStatus, RequestKind, RequestState } from '../shared/status'

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

// ---- shared parts ---------------------------------------------------------------------------------

/** Where the form comes from: printed in the header and the footer of every form. */
export interface FormIssuer {
  /** 受付店 / 取扱店: code '001', name '本店営業部'. */
  branch: { code: string; name: string }
  /** Name of the credit union, e.g. '〇〇信用組合'. Optional. */
  institutionName?: string
  /** Branch telephone for enquiries. Optional. */
  branchPhone?: string
}

/** Non-null for a reprint: the form says 「再発行（N回目）」. */
export type ReprintMark = { count: number } | null

// ---- 処理完了のお知らせ -----------------------------------------------------------------------------

/** 処理完了のお知らせ: handed (or mailed) to the customer once a supervisor approved the request.
 * A customer's copy: the account number is masked to the last 4 digits by the form. */
export interface CompletionNoticeData extends FormIssuer {
  receiptNo: string
  requestKind: RequestKind
  /** 受付日 'YYYY-MM-DD'. */
  businessDate: string
  /** 処理完了日 'YYYY-MM-DD' (Japan date of the approval). */
  completedOn: string
  /** ISO-8601 UTC instant of the approval (the PDF's creation date). */
  completedAt: string
  customer: CustomerReceiptData['customer']
  /** The 登録状況 the request led to, e.g. 'suspended'. */
  resultStatus: OtpStatus
  /** After ご利用解除: the first day a new token / application is possible ('YYYY-MM-DD'). */
  newApplicationFrom: string | null
  centreMailDomains: string[]
  reprint: ReprintMark
}

// ---- 取扱記録票 (bank copy) -------------------------------------------------------------------------

/** One line of the request's trail: received, returned (with the reason), resubmitted, approved, withdrawn. */
export interface TrailEntry {
  /** ISO-8601 UTC instant. */
  at: string
  /** 「受付」「差戻し」「再提出」「承認」「取消」 … */
  label: string
  actorName: string
  note: string | null
}

/** 取扱記録票: the bank's own copy, filed with the paper request. Everything the teller typed and
 * checked, the full account number, the unlock verification answers, and the 受付者 / 検印 boxes. */
export interface HandlingRecordData extends FormIssuer {
  receiptNo: string
  requestKind: RequestKind
  state: RequestState
  businessDate: string
  receivedAt: string
  customer: {
    nameKanji: string
    nameKana: string
    accountBranchCode: string
    accountTypeLabel: string
    /** Full 7 digits: this is the bank's copy. */
    accountNumber: string
    ibContractId: string
  }
  /** The paper form as typed and stored (its kind beside the fields). */
  form: RequestForm
  statusAtReceipt: OtpStatus
  resultStatus: OtpStatus
  identity: { documentLabel: string; secondDocumentLabel: string | null; checkedByName: string }
  sealMatched: boolean
  /** For a 閉塞解除 only: earlier unlocks within the branch's period and whether the approver
   * acknowledged them. */
  repeatUnlock: { count: number; lastApprovedAt: string; days: number; acknowledged: boolean | null } | null
  /** 受付者 box. */
  receivedBy: { name: string; at: string }
  /** 検印 box: the supervisor who approved (or, for a 閉塞解除, authenticated the decision). Null while undecided. */
  reviewedBy: { name: string; at: string } | null
  returnReason: string | null
  withdrawReason: string | null
  trail: TrailEntry[]
  /** 出力日時 (ISO-8601 UTC; the PDF's creation date) and who printed it. */
  printedAt: string
  printedByName: string
  reprint: ReprintMark
}

// ---- 日次取扱一覧 -----------------------------------------------------------------------------------

/** Something the supervisor must look at before signing off the day, about a 閉塞解除. */
export type UnlockWarning =
  /** Another unlock of the same customer was approved within `days` days before this one. */
  | { kind: 'repeat'; receiptNo: string; customerName: string; count: number; days: number; acknowledged: boolean | null }
  /** The unlock was still waiting for the supervisor's decision when the journal was printed. */
  | { kind: 'undecided'; receiptNo: string; customerName: string }
  /** The unlock was returned (差戻し) or withdrawn; `reason` is the supervisor's or teller's reason. */
  | { kind: 'not_approved'; receiptNo: string; customerName: string; state: RequestState; reason: string | null }
  /** An unlock refused because fraud was suspected (from the audit): at reception, where no
   * request exists, or when a returned unlock was resubmitted or decided with 不正利用の疑い, where
   * `receiptNo` names the request. */
  | { kind: 'fraud_refused'; at: string; customerName: string; actorName: string; stage?: 'reception' | 'resubmission' | 'approval'; receiptNo?: string }
  /** ⑤ 他の人がワンタイムパスワードを入力した可能性「あり」 was answered (whatever became of it). */
  | { kind: 'others_tried'; receiptNo: string; customerName: string; state: RequestState }

export interface DailyJournalRow {
  receiptNo: string
  /** ISO-8601 UTC instant of reception (the form prints the Japan time). */
  receivedAt: string
  requestKind: RequestKind
  state: RequestState
  customerName: string
  customerKana: string
  accountBranchCode: string
  accountTypeLabel: string
  accountNumber: string
  receivedByName: string
  reviewedByName: string | null
  reviewedAt: string | null
  /** 差戻し, 取消 or 失効 reason, 緊急停止, the trail (差戻しN回・再提出N回), 引継ぎ. */
  note: string | null
  /** Times returned and resubmitted (a request approved after a 差戻し still shows it). */
  returnedCount?: number
  resubmittedCount?: number
  /** 閉塞解除 risk flags in Japanese (others may have tried, repeated, fraud refusal that day). */
  flags?: string[]
}

/** What happened on the way, counted over the day's requests (history), and the refusals at the counter. */
export interface JournalProgress {
  returns: number
  resubmissions: number
  withdrawals: number
  supersessions: number
  urgentStops: number
  fraudRefusals: number
}

/** 日次取扱一覧: every request the branch received on one business date, in reception order, with
 * counts by state and kind (the form computes them from the rows) and the unlock warnings, for the
 * supervisor's sign-off. May run over several pages. */
export interface DailyJournalData extends FormIssuer {
  /** 取扱日 'YYYY-MM-DD'. */
  businessDate: string
  rows: DailyJournalRow[]
  unlockWarnings: UnlockWarning[]
  /** Optional for forms built before 0008's counts existed (tests' fixtures). */
  progress?: JournalProgress
  /** 作成日時 (ISO-8601 UTC; the PDF's creation date): states are as of this moment. */
  generatedAt: string
  generatedByName: string
  reprint: ReprintMark
  /** The ledger's journal digest at the moment of printing (issue 15): entries and the last hash. */
  ledgerDigest?: { count: number; hash: string } | null
}
