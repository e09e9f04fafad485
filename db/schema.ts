// The ledger's tables, as drizzle-orm sees them. The SQL that creates them lives in the numbered
// migrations (db/migrations); tests/integration/migrations.test.ts checks the two agree.
import { sql } from 'drizzle-orm'
import { integer, primaryKey, sqliteTable, text, uniqueIndex, index } from 'drizzle-orm/sqlite-core'
import type { EventKind, EventSource, OtpStatus, RequestKind, RequestState } from '../shared/status'
import type { HistoryKind } from '../shared/types'
import type { AccountType, FormName, StaffRole } from '../shared/schemas'

export const branches = sqliteTable('branches', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  code: text('code').notNull().unique(), // 店番
  name: text('name').notNull(), // 店名
})

export const staff = sqliteTable('staff', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  loginId: text('login_id').notNull().unique(),
  name: text('name').notNull(),
  role: text('role').$type<StaffRole>().notNull(),
  branchId: integer('branch_id').notNull().references(() => branches.id),
  passwordHash: text('password_hash').notNull(),
  failedAttempts: integer('failed_attempts').notNull().default(0),
  lockedAt: text('locked_at'),
  active: integer('active', { mode: 'boolean' }).notNull().default(true),
  lastLoginAt: text('last_login_at'),
  createdAt: text('created_at').notNull(),
  // 0009: the login ID folded (NFKC, lower case) for uniqueness; see shared/staffId.ts.
  loginKey: text('login_key').notNull().unique('staff_login_key_idx'),
  /** A password set by an administrator: one-time, changed at the first login. */
  mustChangePassword: integer('must_change_password', { mode: 'boolean' }).notNull().default(false),
  /** Bumped by a lockout, reset, retirement or role change: the sessions of the old version end. */
  authVersion: integer('auth_version').notNull().default(1),
  retiredAt: text('retired_at'),
})

export const customers = sqliteTable(
  'customers',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    branchId: integer('branch_id').notNull().references(() => branches.id),
    nameKanji: text('name_kanji').notNull(),
    nameKana: text('name_kana').notNull(), // full-width katakana, spaces as U+3000
    kanaKey: text('kana_key').notNull(), // nameKana without spaces: the search key
    // Search keys (0012): the kanji name folded (searchFold), and the given name (名) alone.
    nameKey: text('name_key').notNull().default(''),
    givenNameKey: text('given_name_key').notNull().default(''),
    givenKanaKey: text('given_kana_key').notNull().default(''),
    birthDate: text('birth_date').notNull(),
    postalCode: text('postal_code').notNull(),
    address: text('address').notNull(),
    phone: text('phone').notNull(),
    accountBranchCode: text('account_branch_code').notNull(),
    accountType: text('account_type').$type<AccountType>().notNull(),
    accountNumber: text('account_number').notNull(),
    ibContractId: text('ib_contract_id').notNull().unique(),
    otpStatus: text('otp_status').$type<OtpStatus>().notNull().default('unregistered'),
    wrongEntryCount: integer('wrong_entry_count').notNull().default(0),
    statusChangedAt: text('status_changed_at').notNull(),
    cancelledOn: text('cancelled_on'), // Japan business date of the last ご利用解除
    closedOn: text('closed_on'), // 解約: the day a full extract of the core system no longer listed the customer (0007)
    version: integer('version').notNull().default(1),
    createdAt: text('created_at').notNull(),
    updatedAt: text('updated_at').notNull(),
  },
  (t) => [
    uniqueIndex('customers_account_uq').on(t.accountBranchCode, t.accountType, t.accountNumber),
    index('customers_kana_key_idx').on(t.kanaKey),
    index('customers_account_number_idx').on(t.accountBranchCode, t.accountNumber),
    index('customers_name_key_idx').on(t.nameKey),
    index('customers_given_name_key_idx').on(t.givenNameKey),
    index('customers_given_kana_key_idx').on(t.givenKanaKey),
  ],
)

export const otpRequests = sqliteTable(
  'otp_requests',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    receiptNo: text('receipt_no').notNull().unique(), // 受付番号
    branchId: integer('branch_id').notNull().references(() => branches.id),
    customerId: integer('customer_id').notNull().references(() => customers.id),
    kind: text('kind').$type<RequestKind>().notNull(),
    state: text('state').$type<RequestState>().notNull(),
    statusAtReceipt: text('status_at_receipt').$type<OtpStatus>().notNull(),
    resultStatus: text('result_status').$type<OtpStatus>().notNull(),
    formJson: text('form_json').notNull(), // the paper form as typed, normalised
    idDocumentType: text('id_document_type').notNull(),
    secondDocumentType: text('second_document_type'),
    idCheckedBy: integer('id_checked_by').notNull().references(() => staff.id),
    sealMatched: integer('seal_matched', { mode: 'boolean' }).notNull(),
    businessDate: text('business_date').notNull(),
    receivedBy: integer('received_by').notNull().references(() => staff.id),
    receivedAt: text('received_at').notNull(),
    reviewedBy: integer('reviewed_by').references(() => staff.id),
    reviewedAt: text('reviewed_at'),
    returnReason: text('return_reason'),
    version: integer('version').notNull().default(1),
    withdrawReason: text('withdraw_reason'),
    repeatUnlockAcknowledged: integer('repeat_unlock_acknowledged', { mode: 'boolean' }),
    // A repeated 閉塞解除 as its approver saw it (0005): earlier unlocks within the period, all three or none.
    repeatUnlockCount: integer('repeat_unlock_count'),
    repeatUnlockDays: integer('repeat_unlock_days'),
    repeatUnlockLastAt: text('repeat_unlock_last_at'),
    // 0008: a 利用停止 that took effect at reception (緊急停止; 事後検印), who took a returned request
    // over (引継ぎ), who closed it (取消, or the urgent stop that superseded it) and when.
    urgent: integer('urgent', { mode: 'boolean' }).notNull().default(false),
    takenOverBy: integer('taken_over_by').references(() => staff.id),
    takenOverAt: text('taken_over_at'),
    closedBy: integer('closed_by').references(() => staff.id),
    closedAt: text('closed_at'),
    supersededBy: integer('superseded_by'),
  },
  (t) => [
    index('otp_requests_state_idx').on(t.state, t.receivedAt),
    index('otp_requests_state_branch_idx').on(t.state, t.branchId, t.receivedAt), // the 検印 queue and 差戻し一覧 of a branch (0014)
    index('otp_requests_customer_idx').on(t.customerId),
    index('otp_requests_journal_idx').on(t.branchId, t.businessDate, t.receivedAt),
    index('otp_requests_business_date_idx').on(t.businessDate, t.branchId, t.kind),
    index('otp_requests_receiver_day_idx').on(t.receivedBy, t.businessDate, t.receivedAt),
    index('otp_requests_receiver_closed_idx').on(t.receivedBy, t.state, t.closedAt),
  ],
)

/** Each submission of a request's paper form (0012): 1 = 受付, 2.. = 再提出, with the return reason of
 * the version a supervisor returned. */
export const otpRequestVersions = sqliteTable(
  'otp_request_versions',
  {
    requestId: integer('request_id').notNull().references(() => otpRequests.id),
    seq: integer('seq').notNull(),
    formJson: text('form_json').notNull(),
    submittedBy: integer('submitted_by').notNull().references(() => staff.id),
    submittedAt: text('submitted_at').notNull(),
    returnReason: text('return_reason'),
    returnedBy: integer('returned_by').references(() => staff.id),
    returnedAt: text('returned_at'),
  },
  (t) => [primaryKey({ columns: [t.requestId, t.seq] })],
)

export const otpHistory = sqliteTable(
  'otp_history',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    customerId: integer('customer_id').notNull().references(() => customers.id),
    at: text('at').notNull(),
    kind: text('kind').$type<HistoryKind>().notNull(),
    requestId: integer('request_id').references(() => otpRequests.id),
    fromStatus: text('from_status').$type<OtpStatus>(),
    toStatus: text('to_status').$type<OtpStatus>(),
    actorId: integer('actor_id').references(() => staff.id),
    note: text('note'),
    eventKind: text('event_kind').$type<EventKind>(),
    eventSource: text('event_source').$type<EventSource>(),
    occurredOn: text('occurred_on'),
  },
  (t) => [index('otp_history_customer_idx').on(t.customerId, t.at), index('otp_history_request_idx').on(t.requestId, t.at)],
)

/** 0008: a 閉塞解除 refused at the counter for suspected fraud (no request is sent on). */
export const counterRefusals = sqliteTable(
  'counter_refusals',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    branchId: integer('branch_id').notNull().references(() => branches.id),
    businessDate: text('business_date').notNull(),
    customerId: integer('customer_id').notNull().references(() => customers.id),
    kind: text('kind').$type<'unlock'>().notNull(),
    reason: text('reason').$type<'fraud_suspected'>().notNull(),
    at: text('at').notNull(),
    staffId: integer('staff_id').notNull().references(() => staff.id),
    detailJson: text('detail_json').notNull(),
  },
  (t) => [index('counter_refusals_journal_idx').on(t.branchId, t.businessDate, t.at)],
)

export const receiptCounters = sqliteTable(
  'receipt_counters',
  {
    branchCode: text('branch_code').notNull(),
    businessDate: text('business_date').notNull(),
    lastSeq: integer('last_seq').notNull(),
  },
  (t) => [primaryKey({ columns: [t.branchCode, t.businessDate] })],
)

export const printedForms = sqliteTable(
  'printed_forms',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    requestId: integer('request_id').references(() => otpRequests.id), // null for the daily journal
    branchId: integer('branch_id').references(() => branches.id), // the daily journal's branch
    businessDate: text('business_date'), // the daily journal's date
    formKind: text('form_kind').$type<FormName>().notNull(),
    printedAt: text('printed_at').notNull(),
    printedBy: integer('printed_by').notNull().references(() => staff.id),
    reprint: integer('reprint', { mode: 'boolean' }).notNull(),
    sha256: text('sha256').notNull(),
    filePath: text('file_path').notNull(), // relative to the ledger's data folder
  },
  (t) => [
    index('printed_forms_request_idx').on(t.requestId, t.formKind),
    index('printed_forms_journal_idx').on(t.branchId, t.businessDate, t.formKind),
  ],
)

export const auditLog = sqliteTable(
  'audit_log',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    at: text('at').notNull(),
    actorId: integer('actor_id').references(() => staff.id),
    actorLoginId: text('actor_login_id'),
    action: text('action').notNull(),
    outcome: text('outcome').$type<'ok' | 'refused' | 'failed'>().notNull(),
    target: text('target'),
    detailJson: text('detail_json'),
    // 0011: what the 監査ログ照会 screen filters on (no foreign keys: a refusal keeps what was asked).
    branchId: integer('branch_id'),
    customerId: integer('customer_id'),
    requestId: integer('request_id'),
  },
  (t) => [
    index('audit_log_at_idx').on(t.at),
    index('audit_log_outcome_idx').on(t.outcome, t.at),
    index('audit_log_branch_idx').on(t.branchId, t.at),
    index('audit_log_branch_action_idx').on(t.branchId, t.action, t.at),
    index('audit_log_action_idx').on(t.action, t.at),
    index('audit_log_actor_idx').on(t.actorId, t.at),
    index('audit_log_customer_idx').on(t.customerId, t.at).where(sql`customer_id IS NOT NULL`),
    index('audit_log_request_idx').on(t.requestId, t.at).where(sql`request_id IS NOT NULL`),
  ],
)

// 0015: the key a reception form made when it opened, and the request its first submission created;
// a repeat of the key answers that request (idempotent reception).
export const requestSubmissions = sqliteTable('request_submissions', {
  key: text('key').primaryKey(),
  requestId: integer('request_id').notNull().references(() => otpRequests.id),
  payloadHash: text('payload_hash').notNull(),
  staffId: integer('staff_id').notNull().references(() => staff.id),
  at: text('at').notNull(),
})

export const settings = sqliteTable('settings', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
})


// The journal (0013, db/journal.ts): one entry per write transaction, chained by SHA-256, with the
// new state of every row the transaction wrote; append-only like audit_log.
export const ledgerJournal = sqliteTable(
  'ledger_journal',
  {
  id: integer('id').primaryKey(),
  at: text('at').notNull(),
  actorId: integer('actor_id'),
  actorLoginId: text('actor_login_id'),
  action: text('action').notNull(),
  outcome: text('outcome').notNull(),
  auditId: integer('audit_id'),
  origin: text('origin').$type<'command' | 'upgrade'>().notNull(),
  rowCount: integer('row_count').notNull(),
  prevHash: text('prev_hash').notNull(),
  hash: text('hash').notNull(),
  },
  (t) => [index('ledger_journal_origin_idx').on(t.origin)],
)

export const ledgerJournalRows = sqliteTable(
  'ledger_journal_rows',
  {
    entryId: integer('entry_id').notNull(),
    seq: integer('seq').notNull(),
    tbl: text('tbl').notNull(),
    rowKey: text('row_key').notNull(),
    rowJson: text('row_json'), // null: the row was deleted
  },
  (t) => [primaryKey({ columns: [t.entryId, t.seq] }), index('ledger_journal_rows_row_idx').on(t.tbl, t.rowKey, t.entryId)],
)

/** The last verified entry (one row): where the check at start resumes. */
export const ledgerVerification = sqliteTable('ledger_verification', {
  id: integer('id').primaryKey(),
  entryId: integer('entry_id').notNull(),
  hash: text('hash').notNull(),
  checkedAt: text('checked_at').notNull(),
  fullCheckedAt: text('full_checked_at'),
  ok: integer('ok', { mode: 'boolean' }).notNull(),
  reportJson: text('report_json'),
})
