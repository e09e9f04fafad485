// The PostgreSQL ledger's tables as drizzle-orm sees them (pg-core), side by side with db/schema.ts
// (SQLite): the same tables, columns (in the same order), keys and indexes. The SQL that creates them
// is db/pg/migrations; tests/pg/parity.test.ts compares this file with the migrated catalogue and the
// catalogue with a migrated SQLite ledger. Integers are bigint read as JS numbers (SQLite's INTEGER
// is 64-bit too), SQLite's 0/1 flags are booleans, dates stay ISO text.
import { sql } from 'drizzle-orm'
import { bigint, boolean, check, customType, index, integer, pgTable, primaryKey, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core'
import type { EventKind, EventSource, OtpStatus, RequestKind, RequestState } from '../../shared/status'
import type { HistoryKind } from '../../shared/types'
import type { AccountType, FormName, StaffRole } from '../../shared/schemas'

const id = () => bigint('id', { mode: 'number' }).primaryKey().generatedByDefaultAsIdentity()
const int = (name: string) => bigint(name, { mode: 'number' })

export const branches = pgTable(
  'branches',
  {
    id: id(),
    code: text('code').notNull().unique(), // 店番
    name: text('name').notNull(), // 店名
  },
  (t) => [check('branches_code_check', sql`length(${t.code}) = 3`)],
)

export const staff = pgTable('staff', {
  id: id(),
  loginId: text('login_id').notNull().unique(),
  name: text('name').notNull(),
  role: text('role').$type<StaffRole>().notNull(),
  branchId: int('branch_id').notNull().references(() => branches.id),
  passwordHash: text('password_hash').notNull(),
  failedAttempts: int('failed_attempts').notNull().default(0),
  lockedAt: text('locked_at'),
  active: boolean('active').notNull().default(true),
  lastLoginAt: text('last_login_at'),
  createdAt: text('created_at').notNull(),
  loginKey: text('login_key').notNull().default(''),
  mustChangePassword: boolean('must_change_password').notNull().default(false),
  authVersion: int('auth_version').notNull().default(1),
  retiredAt: text('retired_at'),
}, (t) => [uniqueIndex('staff_login_key_idx').on(t.loginKey)])

export const customers = pgTable(
  'customers',
  {
    id: id(),
    branchId: int('branch_id').notNull().references(() => branches.id),
    nameKanji: text('name_kanji').notNull(),
    nameKana: text('name_kana').notNull(),
    kanaKey: text('kana_key').notNull(),
    birthDate: text('birth_date').notNull(),
    postalCode: text('postal_code').notNull(),
    address: text('address').notNull(),
    phone: text('phone').notNull(),
    accountBranchCode: text('account_branch_code').notNull(),
    accountType: text('account_type').$type<AccountType>().notNull(),
    accountNumber: text('account_number').notNull(),
    ibContractId: text('ib_contract_id').notNull().unique(),
    otpStatus: text('otp_status').$type<OtpStatus>().notNull().default('unregistered'),
    wrongEntryCount: int('wrong_entry_count').notNull().default(0),
    statusChangedAt: text('status_changed_at').notNull(),
    cancelledOn: text('cancelled_on'),
    version: int('version').notNull().default(1),
    createdAt: text('created_at').notNull(),
    updatedAt: text('updated_at').notNull(),
    closedOn: text('closed_on'),
    nameKey: text('name_key').notNull().default(''),
    givenNameKey: text('given_name_key').notNull().default(''),
    givenKanaKey: text('given_kana_key').notNull().default(''),
  },
  (t) => [
    uniqueIndex('customers_account_uq').on(t.accountBranchCode, t.accountType, t.accountNumber),
    index('customers_account_number_idx').on(t.accountBranchCode, t.accountNumber),
    index('customers_given_kana_key_idx').on(t.givenKanaKey, t.id), // 0005: the order of SQLite's (rowid)
    index('customers_given_name_key_idx').on(t.givenNameKey, t.id), // 0005
    index('customers_kana_key_idx').on(t.kanaKey),
    index('customers_name_key_idx').on(t.nameKey),
  ],
)

export const otpRequests = pgTable(
  'otp_requests',
  {
    id: id(),
    receiptNo: text('receipt_no').notNull().unique(), // 受付番号
    branchId: int('branch_id').notNull().references(() => branches.id),
    customerId: int('customer_id').notNull().references(() => customers.id),
    kind: text('kind').$type<RequestKind>().notNull(),
    state: text('state').$type<RequestState>().notNull(),
    statusAtReceipt: text('status_at_receipt').$type<OtpStatus>().notNull(),
    resultStatus: text('result_status').$type<OtpStatus>().notNull(),
    formJson: text('form_json').notNull(),
    idDocumentType: text('id_document_type').notNull(),
    secondDocumentType: text('second_document_type'),
    idCheckedBy: int('id_checked_by').notNull().references(() => staff.id),
    sealMatched: boolean('seal_matched').notNull(),
    businessDate: text('business_date').notNull(),
    receivedBy: int('received_by').notNull().references(() => staff.id),
    receivedAt: text('received_at').notNull(),
    reviewedBy: int('reviewed_by').references(() => staff.id),
    reviewedAt: text('reviewed_at'),
    returnReason: text('return_reason'),
    version: int('version').notNull().default(1),
    withdrawReason: text('withdraw_reason'),
    repeatUnlockAcknowledged: boolean('repeat_unlock_acknowledged'),
    repeatUnlockCount: int('repeat_unlock_count'),
    repeatUnlockDays: int('repeat_unlock_days'),
    repeatUnlockLastAt: text('repeat_unlock_last_at'),
    urgent: boolean('urgent').notNull().default(false),
    takenOverBy: int('taken_over_by').references(() => staff.id),
    takenOverAt: text('taken_over_at'),
    closedBy: int('closed_by').references(() => staff.id),
    closedAt: text('closed_at'),
    // A self-reference drizzle cannot type here; the migration declares the foreign key.
    supersededBy: int('superseded_by'),
  },
  (t) => [
    index('otp_requests_business_date_idx').on(t.businessDate, t.branchId, t.kind),
    index('otp_requests_customer_idx').on(t.customerId),
    index('otp_requests_journal_idx').on(t.branchId, t.businessDate, t.receivedAt),
    index('otp_requests_receiver_closed_idx').on(t.receivedBy, t.state, t.closedAt),
    index('otp_requests_receiver_day_idx').on(t.receivedBy, t.businessDate, t.receivedAt),
    index('otp_requests_state_idx').on(t.state, t.receivedAt),
    index('otp_requests_state_branch_idx').on(t.state, t.branchId, t.receivedAt), // 0003
    check('otp_requests_not_self_reviewed', sql`${t.reviewedBy} IS NULL OR ${t.reviewedBy} <> ${t.receivedBy}`),
  ],
)

export const otpRequestVersions = pgTable(
  'otp_request_versions',
  {
    requestId: int('request_id').notNull().references(() => otpRequests.id),
    seq: int('seq').notNull(),
    formJson: text('form_json').notNull(),
    submittedBy: int('submitted_by').notNull().references(() => staff.id),
    submittedAt: text('submitted_at').notNull(),
    returnReason: text('return_reason'),
    returnedBy: int('returned_by').references(() => staff.id),
    returnedAt: text('returned_at'),
  },
  (t) => [primaryKey({ columns: [t.requestId, t.seq] })],
)

export const requestSubmissions = pgTable('request_submissions', {
  key: text('key').primaryKey(),
  requestId: int('request_id').notNull().references(() => otpRequests.id),
  payloadHash: text('payload_hash').notNull(),
  staffId: int('staff_id').notNull().references(() => staff.id),
  at: text('at').notNull(),
})

export const otpHistory = pgTable(
  'otp_history',
  {
    id: id(),
    customerId: int('customer_id').notNull().references(() => customers.id),
    at: text('at').notNull(),
    kind: text('kind').$type<HistoryKind>().notNull(),
    requestId: int('request_id').references(() => otpRequests.id),
    fromStatus: text('from_status').$type<OtpStatus>(),
    toStatus: text('to_status').$type<OtpStatus>(),
    actorId: int('actor_id').references(() => staff.id),
    note: text('note'),
    eventKind: text('event_kind').$type<EventKind>(),
    eventSource: text('event_source').$type<EventSource>(),
    occurredOn: text('occurred_on'),
  },
  (t) => [
    index('otp_history_customer_idx').on(t.customerId, t.at),
    index('otp_history_event_idx').on(t.customerId, t.eventKind, t.occurredOn).where(sql`event_kind IS NOT NULL`),
    index('otp_history_request_idx').on(t.requestId, t.at),
  ],
)

export const counterRefusals = pgTable(
  'counter_refusals',
  {
    id: id(),
    branchId: int('branch_id').notNull().references(() => branches.id),
    businessDate: text('business_date').notNull(),
    customerId: int('customer_id').notNull().references(() => customers.id),
    kind: text('kind').$type<'unlock'>().notNull(),
    reason: text('reason').$type<'fraud_suspected'>().notNull(),
    at: text('at').notNull(),
    staffId: int('staff_id').notNull().references(() => staff.id),
    detailJson: text('detail_json').notNull(),
  },
  (t) => [index('counter_refusals_journal_idx').on(t.branchId, t.businessDate, t.at)],
)

export const receiptCounters = pgTable(
  'receipt_counters',
  {
    branchCode: text('branch_code').notNull(),
    businessDate: text('business_date').notNull(),
    lastSeq: int('last_seq').notNull(),
  },
  (t) => [primaryKey({ columns: [t.branchCode, t.businessDate] })],
)

export const printedForms = pgTable(
  'printed_forms',
  {
    id: id(),
    requestId: int('request_id').references(() => otpRequests.id),
    branchId: int('branch_id').references(() => branches.id),
    businessDate: text('business_date'),
    formKind: text('form_kind').$type<FormName>().notNull(),
    printedAt: text('printed_at').notNull(),
    printedBy: int('printed_by').notNull().references(() => staff.id),
    reprint: boolean('reprint').notNull(),
    sha256: text('sha256').notNull(),
    filePath: text('file_path').notNull(),
  },
  (t) => [
    index('printed_forms_journal_idx').on(t.branchId, t.businessDate, t.formKind),
    index('printed_forms_request_idx').on(t.requestId, t.formKind),
  ],
)

const bytea = customType<{ data: Buffer }>({ dataType: () => 'bytea' })

/** PostgreSQL only (migration 0002): the archived PDF of each printed form, with its SHA-256. */
export const printedFormFiles = pgTable('printed_form_files', {
  printedFormId: int('printed_form_id')
    .primaryKey()
    .references(() => printedForms.id),
  sha256: text('sha256').notNull(),
  pdf: bytea('pdf').notNull(),
})

export const auditLog = pgTable(
  'audit_log',
  {
    id: id(),
    at: text('at').notNull(),
    actorId: int('actor_id').references(() => staff.id),
    actorLoginId: text('actor_login_id'),
    action: text('action').notNull(),
    outcome: text('outcome').$type<'ok' | 'refused' | 'failed'>().notNull(),
    target: text('target'),
    detailJson: text('detail_json'),
    branchId: int('branch_id'),
    customerId: int('customer_id'),
    requestId: int('request_id'),
  },
  (t) => [
    index('audit_log_action_idx').on(t.action, t.at),
    index('audit_log_actor_idx').on(t.actorId, t.at),
    index('audit_log_at_idx').on(t.at),
    index('audit_log_branch_action_idx').on(t.branchId, t.action, t.at),
    index('audit_log_branch_idx').on(t.branchId, t.at),
    index('audit_log_customer_idx').on(t.customerId, t.at).where(sql`customer_id IS NOT NULL`),
    index('audit_log_outcome_idx').on(t.outcome, t.at),
    index('audit_log_request_idx').on(t.requestId, t.at).where(sql`request_id IS NOT NULL`),
  ],
)

export const settings = pgTable('settings', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
})

export const ledgerJournal = pgTable(
  'ledger_journal',
  {
    id: int('id').primaryKey(),
    at: text('at').notNull(),
    actorId: int('actor_id'),
    actorLoginId: text('actor_login_id'),
    action: text('action').notNull(),
    outcome: text('outcome').notNull(),
    auditId: int('audit_id'),
    origin: text('origin').$type<'command' | 'upgrade'>().notNull(),
    rowCount: int('row_count').notNull(),
    prevHash: text('prev_hash').notNull(),
    hash: text('hash').notNull(),
  },
  (t) => [index('ledger_journal_origin_idx').on(t.origin)],
)

export const ledgerJournalRows = pgTable(
  'ledger_journal_rows',
  {
    entryId: int('entry_id').notNull(),
    seq: int('seq').notNull(),
    tbl: text('tbl').notNull(),
    rowKey: text('row_key').notNull(),
    rowJson: text('row_json'),
  },
  (t) => [primaryKey({ columns: [t.entryId, t.seq] }), index('ledger_journal_rows_row_idx').on(t.tbl, t.rowKey, t.entryId)],
)

export const ledgerVerification = pgTable('ledger_verification', {
  id: int('id').primaryKey(),
  entryId: int('entry_id').notNull(),
  hash: text('hash').notNull(),
  checkedAt: text('checked_at').notNull(),
  fullCheckedAt: text('full_checked_at'),
  ok: boolean('ok').notNull(),
  reportJson: text('report_json'),
})

/** PostgreSQL only: one row per applied migration (db/pg/migrate.ts). */
export const schemaVersion = pgTable('schema_version', {
  version: integer('version').primaryKey(),
  name: text('name').notNull(),
  appliedAt: timestamp('applied_at', { withTimezone: true }).notNull().defaultNow(),
  appliedBy: text('applied_by').notNull().default(sql`current_user`),
})
