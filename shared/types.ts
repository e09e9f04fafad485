// Data that crosses the IPC boundary. Plain JSON: instants are ISO-8601 UTC strings, business
// dates 'YYYY-MM-DD' (Japan time).
import type { AccountType, FormName, StoredIdDocumentType, RequestFormName, RequestForm, SecondDocumentType, StaffRole } from './schemas'
import type { EventKind, EventSource, OtpStatus, RequestKind, RequestState } from './status'

export interface SessionUser {
  staffId: number
  loginId: string
  name: string
  role: StaffRole
  branchCode: string
  branchName: string
  /** The password was set by an administrator: nothing but the change works until it is changed. */
  mustChangePassword: boolean
}

export interface SystemInfo {
  appName: string
  version: string
  demo: boolean
  transport: 'ipc' | 'http-bridge'
  schemaVersion: number
}

export interface AuthState {
  needsSetup: boolean
  user: SessionUser | null
  /** How long a window may be left alone before it locks (the main side ends the session then too). */
  sessionIdleMs: number
}

export interface StaffSummary {
  id: number
  loginId: string
  name: string
  role: StaffRole
  active: boolean
  locked: boolean
  failedAttempts: number
  lastLoginAt: string | null
  /** The one-time password an administrator set has not been changed yet. */
  mustChangePassword: boolean
  retiredAt: string | null
}

export interface CustomerSummary {
  id: number
  nameKanji: string
  nameKana: string
  branchCode: string
  accountType: AccountType
  accountNumber: string
  ibContractId: string
  otpStatus: OtpStatus
}

export interface CustomerDetail extends CustomerSummary {
  birthDate: string
  postalCode: string
  address: string
  phone: string
  wrongEntryCount: number
  statusChangedAt: string
  cancelledOn: string | null
  /** 解約: the day a full extract of the core system no longer listed the customer (issue 14). */
  closedOn: string | null
  version: number
  history: HistoryEntry[]
  requests: RequestSummary[]
  /** Request kinds that can be received now (status table and the next-day rule) and that this
   * version can register. An open request of the customer is shown separately (`requests`). */
  allowedRequests: RequestKind[]
  /** Kinds the status allows but a rule holds back for now, with the reason in Japanese. */
  blockedRequests: { kind: RequestKind; message: string }[]
  /** Events the branch may record in the current status. */
  allowedEvents: EventKind[]
}

export type HistoryKind =
  | 'request_received'
  | 'request_approved'
  | 'request_returned'
  | 'request_resubmitted'
  | 'request_withdrawn'
  | 'event'
  // 0008: closed by an urgent 利用停止; a returned request taken over by another teller; a 閉塞解除
  // refused at the counter for suspected fraud (no request exists: requestId is null).
  | 'request_superseded'
  | 'request_taken_over'
  | 'unlock_refused'

export interface HistoryEntry {
  id: number
  at: string
  kind: HistoryKind
  /** For kind 'event': what the centre or the customer reported, from where, and when it happened. */
  eventKind: EventKind | null
  eventSource: EventSource | null
  occurredOn: string | null
  requestId: number | null
  receiptNo: string | null
  requestKind: RequestKind | null
  fromStatus: OtpStatus | null
  toStatus: OtpStatus | null
  actorName: string
  note: string | null
}

/** Where the next screen of a request list starts: the last row shown (受付日時, id). */
export interface RequestCursor {
  receivedAt: string
  id: number
}

/** One screen of a request list, with how many the whole list holds. */
export interface RequestPage {
  items: RequestSummary[]
  /** Every request in the list, not only this screen. */
  total: number
  /** null when this screen is the last. */
  nextCursor: RequestCursor | null
}

export interface RequestSummary {
  id: number
  receiptNo: string
  kind: RequestKind
  state: RequestState
  customerId: number
  customerName: string
  customerKana: string
  receivedAt: string
  receivedByName: string
  reviewedAt: string | null
  reviewedByName: string | null
  /** The supervisor's reason when the request was returned (差戻し). */
  returnReason: string | null
  /** Who received it: only they may resubmit or withdraw it, and they may not approve it. */
  receivedByStaffId: number
  /** How often it was corrected and resubmitted after a 差戻し (shown in the 検印 queue). */
  resubmittedCount: number
  version: number
  /** 緊急停止: a 利用停止 that took effect at reception; the 検印 follows (事後検印). */
  urgent: boolean
  /** 引継ぎ: the teller who took a returned request over (then they correct or withdraw it). */
  takenOverByStaffId: number | null
  takenOverByName: string | null
}

/** A teller's own request of the day (本日の自分の受付), or one of theirs an urgent stop closed today. */
export interface MyRequestItem extends RequestSummary {
  businessDate: string
  /** For a superseded request: the urgent stop's 受付番号 that closed it. */
  supersededByReceiptNo: string | null
  closedAt: string | null
  closedByName: string | null
}

/** One line of the on-screen 日次取扱一覧. */
export interface JournalItem {
  id: number
  receiptNo: string
  receivedAt: string
  kind: RequestKind
  state: RequestState
  urgent: boolean
  customerId: number
  customerName: string
  receivedByName: string
  takenOverByName: string | null
  reviewedByName: string | null
  returnedCount: number
  resubmittedCount: number
  /** 取消・差戻し・失効 reasons, and the risk flags of an unlock, in Japanese. */
  note: string | null
  flags: string[]
}

/** The on-screen 日次取扱一覧: one page of the day's requests (filtered), the day's counts. */
export interface JournalPage {
  businessDate: string
  items: JournalItem[]
  /** Requests matching the filter. */
  total: number
  /** Pass back as `cursor` for the next page; null on the last page. */
  nextCursor: string | null
  counts: {
    byState: Record<RequestState, number>
    byKind: Record<RequestKind, number>
    returns: number
    resubmissions: number
    withdrawals: number
    supersessions: number
    urgentStops: number
    fraudRefusals: number
  }
  /** Unlock refusals for suspected fraud at the counter that day (no request exists). */
  refusals: { at: string; customerId: number; customerName: string; actorName: string }[]
}

export interface RequestDetail extends RequestSummary {
  statusAtReceipt: OtpStatus
  resultStatus: OtpStatus
  form: RequestForm
  withdrawReason: string | null
  /** For a 閉塞解除: earlier unlocks of this customer approved within the branch's period; a
   * supervisor must acknowledge them to approve. */
  repeatUnlock: { count: number; lastApprovedAt: string; days: number } | null
  identity: { documentType: StoredIdDocumentType; secondDocumentType: SecondDocumentType | null; checkedByName: string }
  sealMatched: boolean
  /** How often each of the request's forms was printed (0: not yet). */
  printCounts: Record<RequestFormName, number>
  /** The customer as registered now: 検印 compares every field of the paper with it. */
  registered: RegisteredRecord
  /** Which submission of the paper form this is (1 = 受付, 2.. = 再提出). */
  submission: number
  /** The submission before this one (the one a supervisor returned), for 再提出: its form and the
   * reason it was returned. Null for a first submission. */
  previousVersion: {
    seq: number
    form: RequestForm
    returnReason: string | null
    returnedAt: string | null
    returnedByName: string | null
  } | null
}

/** The fields of a customer's record that a paper request also carries. */
export interface RegisteredRecord {
  nameKanji: string
  nameKana: string
  birthDate: string
  postalCode: string
  address: string
  phone: string
  account: { branchCode: string; type: AccountType; number: string }
  ibContractId: string
}

/** A form built by the main process for preview: not archived, not recorded. */
export interface FormDocument {
  form: FormName
  /** e.g. 「お客さま控（ご利用解除）001-20261121-0003」; the preview dialog's title. */
  title: string
  /** Suggested download name, e.g. '001-20261121-0003_お客さま控.pdf'. */
  fileName: string
  /** The PDF, base64: the renderer shows, prints or downloads it; it never chooses a path. */
  pdfBase64: string
  /** How often this form was printed before (0: the next print is the first; N: it is 再発行 N回目). */
  printCount: number
}

/** A form printed: archived under the data folder and recorded in the ledger. */
export interface PrintedForm extends FormDocument {
  sha256: string
  reprint: boolean
  /** printCount of the printed document is the reprint number (0 for the first print). */
  printedAt: string
  /** Path of the archived copy, relative to the data folder (shown to the user, never chosen by them). */
  archivedAs: string
}

/** A backup of the ledger as the administrator's screen lists it (the file name only; the folder
 * is shown once, in BackupOverview). */
export interface BackupSummary {
  name: string
  /** auto: the daily one; manual: started on the screen or with npm run backup; migration: before
   * a schema upgrade. (A ledger a restore replaced is kept in the data folder's replaced/.) */
  kind: 'auto' | 'manual' | 'migration'
  createdAt: string
  sizeBytes: number
  /** The full check made when the backup was written; null for a copy nobody checked (older app). */
  check: {
    ok: boolean
    integrity: string
    printsRecorded: number
    printsOk: number
    printsMissing: number
    printsAltered: number
    /** The journal verified in full in the copy (issue 15); null for a copy older than version 10. */
    journalOk: boolean | null
    checkedAt: string
  } | null
}

/** A backup being written (progress 0..1), or the last one this run wrote. */
export interface BackupJob {
  state: 'running' | 'done' | 'failed'
  kind: 'auto' | 'manual'
  startedAt: string
  progress: number
  result: BackupSummary | null
  /** Japanese message of a failure. */
  error: string | null
}

export interface BackupOverview {
  /** Where backups are written (the data folder's backups/, or the configured OTP_BACKUP_DIR). */
  folder: string
  /** Automatic backups kept (OTP_BACKUP_KEEP). */
  keep: number
  backups: BackupSummary[]
  job: BackupJob | null
  /** Free space where the ledger lives; `low` warns before the disk is full. */
  disk: { freeBytes: number; totalBytes: number; low: boolean } | null
  /** Where a restore keeps the ledger it replaces (<data folder>/replaced/). */
  replacedFolder: string
}

/** What a restore from the screen did. Every session has ended when this arrives. */
export interface BackupRestored {
  name: string
  /** When the restored backup was made. */
  createdAt: string
  /** Where the replaced ledger now is (null when there was no ledger file). */
  replacedDir: string | null
  /** Archived PDFs copied back from the backup folder into the data folder. */
  formsCopied: number
  /** Sessions the restore ended (this terminal's included). */
  sessionsEnded: number
}

/** A branch of the credit union (店番, 店名), for the head office's branch selector. */
export interface BranchSummary {
  code: string
  name: string
}
