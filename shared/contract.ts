// The typed contract of every IPC operation: its payload schema, who may call it, and its result
// type. The preload exposes exactly OPERATION_NAMES, the main process registers exactly these, and
// the renderer's client is typed from this object. Unknown names are refused by the dispatcher.
import { z } from 'zod'
import type { OperationName } from './operations'
import {
  branchSettingsSchema,
  cancellationSchema,
  decideUnlockSchema,
  unlockSchema,
  customerSearchSchema,
  recordEventSchema,
  restrictionReleaseSchema,
  resubmitSchema,
  resumptionSchema,
  returnRequestSchema,
  suspensionSchema,
  withdrawRequestSchema,
  dailyJournalRefSchema,
  journalListSchema,
  takeOverSchema,
  unlockFraudRefusalSchema,
  idSchema,
  requestFormRefSchema,
  restoreBackupSchema,
  requestPageSchema,
  reviewQueueSchema,
  loginSchema,
  newApplicationSchema,
  setupFirstAdminSchema,
  staffCreateSchema,
  changePasswordSchema,
  staffChangeRoleSchema,
  staffRenameSchema,
  staffResetPasswordSchema,
  staffRetireSchema,
  submissionKeySchema,
} from './schemas'
import type { BranchSettings, StaffRole } from './schemas'
import type {
  AuthState,
  BranchSummary,
  BackupJob,
  BackupOverview,
  BackupRestored,
  CustomerDetail,
  CustomerSummary,
  FormDocument,
  JournalPage,
  MyRequestItem,
  PrintedForm,
  RequestDetail,
  RequestPage,
  SessionUser,
  StaffSummary,
  SystemInfo,
} from './types'
import {
  exportCustomersSchema,
  exportFiguresSchema,
  exportJournalSchema,
  exportRequestsSchema,
  periodSchema,
  type ExportResult,
  type FiguresSummary,
} from './exportFormat'
import { auditEntrySchema, auditSearchSchema, exportAuditSchema, type AuditEntryDetail, type AuditPage } from './auditLog'
import { anchorCheckSchema, type AnchorResult, type DigestExport, type IntegrityStatus, type VerifyReport } from './integrity'
import { IMPORT_KINDS, importStartSchema, type ImportInspection, type ImportJobView, type StagedFile } from './importFormat'

/** 'public': callable without a session. Otherwise the session's role must be listed. */
export type Access = 'public' | 'any-user' | readonly StaffRole[]

export interface OperationDef<I extends z.ZodType, O> {
  input: I
  access: Access
  /** Whether the operation writes to the ledger (commands are audited). */
  kind: 'query' | 'command'
  /** Phantom: the result type. */
  output?: O
}

const def =
  <O>() =>
  <I extends z.ZodType>(d: Omit<OperationDef<I, O>, 'output'>): OperationDef<I, O> =>
    d

const empty = z.strictObject({})
/** A reception's payload: the paper form, and the key its form made when it opened (optional for
 * callers that do not retry, such as scripts; the app's forms always send one). */
const receptionKey = { submissionKey: submissionKeySchema.optional() }
const byId = <K extends string>(key: K) => z.strictObject({ [key]: idSchema } as Record<K, typeof idSchema>)
const COUNTER = ['teller', 'supervisor'] as const
const AUDIT_READERS = ['supervisor', 'admin', 'head_office'] as const
/** 本部: reads every branch, changes nothing (shared/operations.ts OPERATION_EFFECTS). */
const COUNTER_OR_HEAD_OFFICE = ['teller', 'supervisor', 'head_office'] as const
const SUPERVISOR_OR_HEAD_OFFICE = ['supervisor', 'head_office'] as const

export const contract = {
  'system.info': def<SystemInfo>()({ input: empty, access: 'public', kind: 'query' }),
  'auth.state': def<AuthState>()({ input: empty, access: 'public', kind: 'query' }),
  'auth.setupFirstAdmin': def<SessionUser>()({ input: setupFirstAdminSchema.strict(), access: 'public', kind: 'command' }),
  'auth.login': def<SessionUser>()({ input: loginSchema.strict(), access: 'public', kind: 'command' }),
  'auth.logout': def<null>()({ input: empty, access: 'any-user', kind: 'command' }),
  /** パスワード変更: one's own; the only command a session with a one-time password may run. */
  'auth.changePassword': def<SessionUser>()({ input: changePasswordSchema.strict(), access: 'any-user', kind: 'command' }),
  /** The person at the window typed or pointed: the session counts it as activity (idle lock). */
  'auth.activity': def<null>()({ input: empty, access: 'any-user', kind: 'query' }),
  'staff.list': def<StaffSummary[]>()({ input: empty, access: ['admin'], kind: 'query' }),
  'staff.create': def<StaffSummary>()({ input: staffCreateSchema.strict(), access: ['admin'], kind: 'command' }),
  'staff.unlock': def<StaffSummary>()({ input: byId('staffId'), access: ['admin'], kind: 'command' }),
  'settings.get': def<BranchSettings>()({ input: empty, access: 'any-user', kind: 'query' }),
  'settings.update': def<BranchSettings>()({ input: branchSettingsSchema, access: ['admin'], kind: 'command' }),
  /** パスワード再設定: one-time; a supervisor's or administrator's needs a second person's confirmation. */
  'staff.resetPassword': def<StaffSummary>()({ input: staffResetPasswordSchema, access: ['admin'], kind: 'command' }),
  /** 役割の変更: to 役席 or 管理者 only with a second person's confirmation. */
  'staff.changeRole': def<StaffSummary>()({ input: staffChangeRoleSchema, access: ['admin'], kind: 'command' }),
  /** 氏名の変更 (the login ID stays: it names the person in the audit trail). */
  'staff.rename': def<StaffSummary>()({ input: staffRenameSchema, access: ['admin'], kind: 'command' }),
  /** 退職・異動: login refused from now on, sessions ended; the row and its history stay. */
  'staff.retire': def<StaffSummary>()({ input: staffRetireSchema, access: ['admin'], kind: 'command' }),
  /** The branches of the ledger, by 店番 (a few dozen at most): the head office's branch selector. */
  'branches.list': def<BranchSummary[]>()({ input: empty, access: 'any-user', kind: 'query' }),
  'customers.search': def<CustomerSummary[]>()({ input: customerSearchSchema, access: COUNTER, kind: 'query' }),
  'customers.get': def<CustomerDetail>()({ input: byId('customerId'), access: COUNTER, kind: 'query' }),
  'requests.receiveNewApplication': def<RequestDetail>()({
    input: newApplicationSchema.safeExtend(receptionKey).strict(),
    access: COUNTER,
    kind: 'command',
  }),
  'requests.receiveSuspension': def<RequestDetail>()({ input: suspensionSchema.safeExtend(receptionKey).strict(), access: COUNTER, kind: 'command' }),
  'requests.receiveResumption': def<RequestDetail>()({ input: resumptionSchema.safeExtend(receptionKey).strict(), access: COUNTER, kind: 'command' }),
  'requests.receiveCancellation': def<RequestDetail>()({ input: cancellationSchema.safeExtend(receptionKey).strict(), access: COUNTER, kind: 'command' }),
  'requests.receiveRestrictionRelease': def<RequestDetail>()({
    input: restrictionReleaseSchema.safeExtend(receptionKey).strict(),
    access: COUNTER,
    kind: 'command',
  }),
  'requests.receiveUnlock': def<RequestDetail>()({ input: unlockSchema.safeExtend(receptionKey).strict(), access: COUNTER, kind: 'command' }),
  /** 閉塞解除の承認／差戻し with 役席認証: called from the counter terminal (a teller's session) or
   * from a supervisor's 検印 screen; the approver is whoever's credentials are typed, checked now. */
  'requests.decideUnlock': def<RequestDetail>()({ input: decideUnlockSchema, access: COUNTER, kind: 'command' }),
  'requests.get': def<RequestDetail>()({ input: byId('requestId'), access: COUNTER_OR_HEAD_OFFICE, kind: 'query' }),
  /** 検印待ち一覧, oldest first: one screen of it (requestPageSchema) and how many wait in all. */
  'requests.pendingReview': def<RequestPage>()({ input: reviewQueueSchema, access: SUPERVISOR_OR_HEAD_OFFICE, kind: 'query' }),
  /** 引継ぎ: a teller of the branch takes over a returned request (its receiver is away). */
  'requests.takeOver': def<RequestDetail>()({ input: takeOverSchema, access: COUNTER, kind: 'command' }),
  /** 本日の自分の受付: the caller's requests of today, and theirs an urgent stop closed today. */
  'requests.myDay': def<MyRequestItem[]>()({ input: empty, access: COUNTER, kind: 'query' }),
  /** 閉塞解除をお断り（不正利用の疑い）: recorded with the customer although no request is sent on. */
  'refusals.recordUnlockFraud': def<CustomerDetail>()({ input: unlockFraudRefusalSchema, access: COUNTER, kind: 'command' }),
  /** The on-screen 日次取扱一覧 (supervisors): one page, filtered by state and kind. */
  'journal.list': def<JournalPage>()({ input: journalListSchema, access: SUPERVISOR_OR_HEAD_OFFICE, kind: 'query' }),
  /** The branch's requests a supervisor returned (差戻し), for correction, takeover or withdrawal; paged alike. */
  'requests.returnedToMe': def<RequestPage>()({ input: requestPageSchema, access: COUNTER, kind: 'query' }),
  'requests.approve': def<RequestDetail>()({
    input: z.strictObject({ requestId: idSchema, version: z.number().int().min(1) }),
    access: ['supervisor'],
    kind: 'command',
  }),
  'requests.return': def<RequestDetail>()({ input: returnRequestSchema, access: ['supervisor'], kind: 'command' }),
  'requests.resubmit': def<RequestDetail>()({ input: resubmitSchema, access: COUNTER, kind: 'command' }),
  'requests.withdraw': def<RequestDetail>()({ input: withdrawRequestSchema, access: COUNTER, kind: 'command' }),
  'events.record': def<CustomerDetail>()({ input: recordEventSchema, access: COUNTER, kind: 'command' }),
  /** A request's form, built for the preview: not archived, not recorded. */
  'forms.preview': def<FormDocument>()({ input: requestFormRefSchema, access: COUNTER_OR_HEAD_OFFICE, kind: 'query' }),
  /** Prints a request's form: built, archived with its SHA-256, recorded and audited; a reprint says 再発行. */
  'forms.print': def<PrintedForm>()({ input: requestFormRefSchema, access: COUNTER, kind: 'command' }),
  'forms.previewDailyJournal': def<FormDocument>()({ input: dailyJournalRefSchema, access: SUPERVISOR_OR_HEAD_OFFICE, kind: 'query' }),
  'forms.printDailyJournal': def<PrintedForm>()({ input: dailyJournalRefSchema, access: ['supervisor'], kind: 'command' }),
  /** Backups (administrators): the list with each one's check, free disk space, the running backup. */
  'backups.overview': def<BackupOverview>()({ input: empty, access: ['admin'], kind: 'query' }),
  /** Starts a verified backup now; its progress is read with backups.overview. */
  'backups.start': def<BackupJob>()({ input: empty, access: ['admin'], kind: 'command' }),
  /** Restores a listed backup as the ledger, after the administrator's password again: verified
   * first, the replaced ledger kept aside, every session ended (everyone logs in again). */
  'backups.restore': def<BackupRestored>()({ input: restoreBackupSchema, access: ['admin'], kind: 'command' }),
  /** The ledger's integrity: the last verification and the digest now (the 監査ログ照会 screen shows it to
   * supervisors too; verifying and exporting stay with administrators). */
  'integrity.status': def<IntegrityStatus>()({ input: empty, access: AUDIT_READERS, kind: 'query' }),
  /** Verifies the whole journal now, optionally against a digest kept elsewhere (otp-ledger:1:<count>:<hash>). */
  'integrity.verify': def<VerifyReport>()({
    input: z.strictObject({
      anchor: z
        .string()
        .trim()
        .regex(/^(otp-ledger:1:)?\d{1,12}:[0-9a-fA-F]{64}$/, '台帳ダイジェストの形式ではありません（otp-ledger:1:件数:ハッシュ）')
        .transform((s) => {
          const [count, hash] = s.replace(/^otp-ledger:1:/, '').split(':')
          return { count: Number(count), hash: hash!.toLowerCase() }
        })
        .nullish(),
    }),
    access: ['admin'],
    kind: 'command',
  }),
  /** 「控えの照合」: does the ledger still hold exactly the prefix a printed (or exported) digest names?
   * 一致 / 不一致 (where) / 台帳がこの控えより短い. Audited. */
  'integrity.checkAnchor': def<AnchorResult>()({ input: anchorCheckSchema, access: ['admin'], kind: 'command' }),
  /** Writes the digest to a file the administrator chooses (Electron) or hands it to the page (preview). */
  'integrity.exportDigest': def<DigestExport>()({ input: empty, access: ['admin'], kind: 'command' }),
  /** 顧客データ取込 / センター連携: the main process shows the open dialog and stages the file
   * (Electron). null when the user cancelled. The browser preview uploads to the bridge instead. */
  'imports.chooseFile': def<StagedFile | null>()({ input: empty, access: ['admin'], kind: 'command' }),
  'imports.inspect': def<ImportInspection>()({
    input: z.strictObject({ stagingId: importStartSchema.shape.stagingId, kind: z.enum(IMPORT_KINDS) }),
    access: ['admin'],
    kind: 'query',
  }),
  /** Starts a dry run or (after a dry run of the same file and mapping) the apply; answers at once. */
  'imports.start': def<ImportJobView>()({ input: importStartSchema, access: ['admin'], kind: 'command' }),
  'imports.job': def<ImportJobView>()({ input: z.strictObject({ jobId: z.uuid() }), access: ['admin'], kind: 'query' }),
  /** CSV exports: Electron saves where the user chooses (save dialog); the preview gets the bytes. */
  'exports.requests': def<ExportResult>()({ input: exportRequestsSchema, access: SUPERVISOR_OR_HEAD_OFFICE, kind: 'command' }),
  'exports.journal': def<ExportResult>()({ input: exportJournalSchema, access: SUPERVISOR_OR_HEAD_OFFICE, kind: 'command' }),
  'exports.customers': def<ExportResult>()({ input: exportCustomersSchema, access: ['admin'], kind: 'command' }),
  'exports.figures': def<ExportResult>()({ input: exportFiguresSchema, access: SUPERVISOR_OR_HEAD_OFFICE, kind: 'command' }),
  /** 集計: aggregated in SQL over a period. */
  'figures.summary': def<FiguresSummary>()({ input: periodSchema, access: SUPERVISOR_OR_HEAD_OFFICE, kind: 'query' }),
  // 監査ログ照会: supervisors their branch, administrators every branch. Viewing and exporting are
  // recorded on the trail themselves, so they are commands.
  'audit.search': def<AuditPage>()({ input: auditSearchSchema, access: AUDIT_READERS, kind: 'command' }),
  'audit.entry': def<AuditEntryDetail>()({ input: auditEntrySchema, access: AUDIT_READERS, kind: 'command' }),
  'exports.audit': def<ExportResult>()({ input: exportAuditSchema, access: AUDIT_READERS, kind: 'command' }),
} satisfies { [K in OperationName]: OperationDef<z.ZodType, unknown> }

export type Contract = typeof contract
export type OpInput<K extends OperationName> = z.input<Contract[K]['input']>
export type OpParsed<K extends OperationName> = z.output<Contract[K]['input']>
export type OpOutput<K extends OperationName> = Exclude<Contract[K]['output'], undefined>
