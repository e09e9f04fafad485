// The 監査ログ照会 screen (issue 15): what the page asks for, what comes back, and the Japanese words
// for the trail's codes. Supervisors see their branch's entries, administrators every branch
// (electron/main/services/auditLog.ts decides the scope). Newest first, one page at a time.
import { z } from 'zod'
import { ERROR_MESSAGES } from './errors'
import { day, EXPORT_ENCODINGS } from './exportFormat'
import { normalizeDigits, normalizeHyphenated } from './normalize'
import { ACCOUNT_TYPE_LABELS, FORM_LABELS, idSchema, ROLE_LABELS, ruleString, type AccountType, type FormName, type StaffRole } from './schemas'
import { EVENT_KIND_LABELS, EVENT_SOURCE_LABELS, REQUEST_KIND_LABELS, STATUS_LABELS, type EventKind, type EventSource, type OtpStatus, type RequestKind } from './status'

export const AUDIT_OUTCOMES = ['ok', 'refused', 'failed'] as const
export type AuditOutcome = (typeof AUDIT_OUTCOMES)[number]
export const AUDIT_OUTCOME_LABELS: Record<AuditOutcome, string> = { ok: '成功', refused: '拒否', failed: '失敗' }

/** Every action the trail records, in the order the filter lists them. An operation refused by
 * the dispatcher (a role, a malformed payload) is recorded under its operation name, which may be
 * one not listed here: the screen then shows the code itself. */
export const AUDIT_ACTION_LABELS = {
  'auth.login': 'ログイン',
  'auth.logout': 'ログアウト',
  'auth.lockout': 'ログイン停止（連続失敗）',
  'auth.supervisorAuth': '役席認証',
  'auth.setupFirstAdmin': '初期設定（最初の管理者）',
  'requests.receiveNewApplication': `受付（${REQUEST_KIND_LABELS.new_application}）`,
  'requests.receiveSuspension': `受付（${REQUEST_KIND_LABELS.suspension}）`,
  'requests.receiveResumption': `受付（${REQUEST_KIND_LABELS.resumption}）`,
  'requests.receiveCancellation': `受付（${REQUEST_KIND_LABELS.cancellation}）`,
  'requests.receiveRestrictionRelease': `受付（${REQUEST_KIND_LABELS.restriction_release}）`,
  'requests.receiveUnlock': `受付（${REQUEST_KIND_LABELS.unlock}）`,
  'requests.approve': '検印・承認',
  'requests.return': '差戻し',
  'requests.resubmit': '再提出',
  'requests.withdraw': '取消',
  'requests.decideUnlock': '閉塞解除の承認・差戻し',
  'events.record': '事象の記録',
  'forms.preview': '取扱記録票の表示',
  'forms.print': '帳票の印刷',
  'forms.reprint': '帳票の再発行',
  'staff.create': '職員の登録',
  'staff.unlock': '職員のロック解除',
  'staff.resetPassword': '職員のパスワード再設定',
  'settings.update': '支店設定の変更',
  'backups.create': 'バックアップ',
  'ledger.restore': '台帳の復元',
  'ledger.createOverTraces': '新しい台帳の作成（失われた台帳の跡に）',
  'imports.customers.dryRun': '顧客データ取込（確認）',
  'imports.customers.apply': '顧客データ取込',
  'imports.status.dryRun': '登録状況一覧取込（確認）',
  'imports.status.apply': '登録状況一覧取込',
  'exports.requests': '依頼一覧の出力',
  'exports.journal': '日次取扱一覧データの出力',
  'exports.customers': '顧客一覧の出力',
  'exports.figures': '集計の出力',
  'exports.audit': '監査ログの出力',
  'audit.search': '監査ログの照会',
  'audit.entry': '監査ログ明細の表示',
} as const
export type AuditAction = keyof typeof AUDIT_ACTION_LABELS
export const AUDIT_ACTIONS = Object.keys(AUDIT_ACTION_LABELS) as AuditAction[]

export const auditActionLabel = (code: string): string => (AUDIT_ACTION_LABELS as Record<string, string>)[code] ?? code

const optionalDigits = (label: string, n: number) =>
  z
    .string()
    .max(40, { error: `${label}は数字${n}桁で入力してください` })
    .transform((s) => normalizeDigits(s).trim())
    .pipe(z.string().regex(new RegExp(`^(\\d{${n}})?$`), { error: `${label}は数字${n}桁で入力してください` }))
    .nullable()
    .optional()

/** What the screen filters on. The period is required (the lists are read by time). */
const auditFilterShape = {
  from: day('開始日'),
  to: day('終了日'),
  /** 店番 of the branch whose entries to list: administrators only (a supervisor sees their own). */
  branchCode: optionalDigits('店番', 3),
  /** 職員ID (login id) of the actor. */
  staffLoginId: ruleString('職員ID', 64)
    .transform((s) => s.normalize('NFKC').trim())
    .pipe(z.string().max(32, { error: '職員IDは32文字以内で入力してください' }))
    .nullable()
    .optional(),
  action: z.enum(AUDIT_ACTIONS, { error: '操作を一覧から選択してください' }).nullable().optional(),
  outcome: z.enum(AUDIT_OUTCOMES, { error: '結果を一覧から選択してください' }).nullable().optional(),
  /** The customer, by id (the link from the customer screen) ... */
  customerId: idSchema.nullable().optional(),
  /** ... or by 店番 + 口座番号 of the account. */
  accountBranchCode: optionalDigits('店番（口座）', 3),
  accountNumber: optionalDigits('口座番号', 7),
  receiptNo: z
    .string()
    .max(40, { error: '受付番号は「001-20261121-0001」の形で入力してください' })
    .transform(normalizeHyphenated)
    .pipe(z.string().regex(/^(\d{3}-\d{8}-\d{4})?$/, { error: '受付番号は「001-20261121-0001」の形で入力してください' }))
    .nullable()
    .optional(),
}
type FilterLike = { from: string; to: string; accountBranchCode?: string | null; accountNumber?: string | null }
const periodRules = <T extends z.ZodType<FilterLike>>(s: T) =>
  s
    .refine((p) => p.from <= p.to, { path: ['to'], error: '終了日は開始日以降にしてください' })
    .refine((p) => Number(p.to.slice(0, 4)) - Number(p.from.slice(0, 4)) <= 5, { path: ['from'], error: '期間は5年以内にしてください' })
    .refine((p) => !p.accountBranchCode === !p.accountNumber, {
      path: ['accountNumber'],
      error: '口座で絞り込むときは店番と口座番号の両方を入力してください',
    })

export const auditFilterSchema = periodRules(z.strictObject(auditFilterShape))
export type AuditFilter = z.output<typeof auditFilterSchema>

/** Where the previous page ended: the last entry's time and id (newest first). */
export const auditCursorSchema = z.strictObject({
  at: z.string().regex(/^[0-9T:.Z-]{10,40}$/, { error: '一覧の続きの位置が正しくありません' }),
  id: idSchema,
})
export type AuditCursor = z.output<typeof auditCursorSchema>

export const AUDIT_PAGE_SIZE = 50
export const auditSearchSchema = periodRules(z.strictObject({ ...auditFilterShape, cursor: auditCursorSchema.nullable().optional() }))
export const auditEntrySchema = z.strictObject({ entryId: idSchema })
export const exportAuditSchema = periodRules(
  z.strictObject({ ...auditFilterShape, encoding: z.enum(EXPORT_ENCODINGS, { error: '文字コードを選択してください' }) }),
)

export interface AuditEntrySummary {
  id: number
  at: string
  actorLoginId: string | null
  actorName: string | null
  branchCode: string | null
  action: string
  outcome: AuditOutcome
  requestId: number | null
  receiptNo: string | null
  customerId: number | null
  customerName: string | null
  accountBranchCode: string | null
  accountType: AccountType | null
  accountNumber: string | null
  /** The refusal's reason code, or a returned request's reason. */
  reason: string | null
}

export interface AuditPage {
  entries: AuditEntrySummary[]
  /** Give this back for the next (older) page; null: no more. */
  next: AuditCursor | null
  /** Whose entries the caller may see: every branch, or one. */
  scope: { allBranches: boolean; branchCode: string | null }
}

export interface AuditEntryDetail extends AuditEntrySummary {
  branchName: string | null
  target: string | null
  detail: Record<string, unknown> | null
}

// ---- reading an entry's detail ------------------------------------------------------------------

export interface DetailLine {
  label: string
  value: string
}

const KEY_LABELS: Record<string, string> = {
  reason: '理由',
  fields: '誤りのあった項目',
  repeats: '同じ拒否の繰り返し回数',
  firstRepeatAt: '繰り返しの最初',
  lastRepeatAt: '繰り返しの最後',
  receiptNo: '受付番号',
  customerId: '顧客ID',
  kind: '種別',
  from: '変更前',
  to: '変更後',
  decision: '判断',
  terminalOperator: '端末操作者',
  auth: '認証',
  formKind: '帳票',
  sha256: 'SHA-256',
  reprintCount: '再発行回数',
  printCount: 'これまでの印刷回数',
  file: '保存先',
  filter: '条件',
  rowCount: '件数',
  rows: '行数',
  encoding: '文字コード',
  fileName: 'ファイル名',
  savedBy: '保存方法',
  role: '役割',
  failed: '連続失敗回数',
  businessDate: '取扱日',
  unlockWarnings: '閉塞解除の注意',
  version: '版',
  source: '連絡元',
  occurredOn: '発生日',
  repeat: '過去の閉塞解除',
  requestId: '依頼ID',
  loginId: '職員ID',
  name: '氏名',
  page: 'ページ',
  entryId: '明細ID',
  branchCode: '店番',
  staffLoginId: '職員ID',
  action: '操作',
  outcome: '結果',
  accountBranchCode: '店番（口座）',
  accountNumber: '口座番号',
  changed: '変更内容',
}

const ERROR_CODE = /^[A-Z][A-Z0-9_]+$/
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/

function formatInstant(iso: string): string {
  const d = new Date(iso)
  const jst = new Date(d.getTime() + 9 * 3600_000).toISOString()
  return `${jst.slice(0, 10).replace(/-/g, '/')} ${jst.slice(11, 19)}`
}

function valueText(key: string, v: unknown): string {
  if (v === null || v === undefined || v === '') return '—'
  if (typeof v === 'boolean') return v ? 'はい' : 'いいえ'
  if (Array.isArray(v)) return v.map((x) => valueText(key, x)).join('、')
  if (typeof v === 'object')
    return Object.entries(v as Record<string, unknown>)
      .filter(([, x]) => x !== null && x !== undefined)
      .map(([k, x]) => `${KEY_LABELS[k] ?? k}：${valueText(k, x)}`)
      .join('、')
  const s = String(v)
  if (key === 'reason' && ERROR_CODE.test(s) && s in ERROR_MESSAGES) return `${ERROR_MESSAGES[s as keyof typeof ERROR_MESSAGES]}（${s}）`
  if ((key === 'from' || key === 'to') && s in STATUS_LABELS) return STATUS_LABELS[s as OtpStatus]
  if (key === 'kind') return REQUEST_KIND_LABELS[s as RequestKind] ?? EVENT_KIND_LABELS[s as EventKind] ?? s
  if (key === 'source') return EVENT_SOURCE_LABELS[s as EventSource] ?? s
  if (key === 'formKind') return FORM_LABELS[s as FormName] ?? s
  if (key === 'role') return ROLE_LABELS[s as StaffRole] ?? s
  if (key === 'decision') return s === 'approve' ? '承認' : s === 'return' ? '差戻し' : s
  if (key === 'action') return auditActionLabel(s)
  if (key === 'outcome') return AUDIT_OUTCOME_LABELS[s as AuditOutcome] ?? s
  if (key === 'accountType') return ACCOUNT_TYPE_LABELS[s as AccountType] ?? s
  if (ISO_INSTANT.test(s)) return formatInstant(s)
  return s
}

/** An entry's detail as labelled lines in Japanese, for the screen and the CSV. */
export function describeAuditDetail(detail: Record<string, unknown> | null): DetailLine[] {
  if (!detail) return []
  return Object.entries(detail)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => ({ label: KEY_LABELS[k] ?? k, value: valueText(k, v) }))
}

/** A refusal's reason for a list: the Japanese message of a code, or the text as recorded. */
export function reasonText(reason: string | null): string {
  if (!reason) return ''
  return ERROR_CODE.test(reason) && reason in ERROR_MESSAGES ? ERROR_MESSAGES[reason as keyof typeof ERROR_MESSAGES] : reason
}
