// Runtime schemas shared by the renderer's forms (field-by-field messages) and the main-process
// dispatcher (every payload is checked before a service runs). Inputs are normalised here, so the
// services only ever see the stored form (full-width katakana, half-width digits, ASCII hyphens).
import { z } from 'zod'
import { isValidYmd } from './datetime'
import { EVENT_KINDS, EVENT_SOURCES, REQUEST_KINDS, REQUEST_STATES, SUSPENSION_REASONS } from './status'
import { isKatakanaName, kanaSearchKey, normalizeDigits, normalizeHyphenated, normalizeKana, normalizeText, searchFold } from './normalize'

// Japanese fallback messages for anything a field does not word itself (missing keys and the like).
z.config(z.locales.ja())

// One rule for every string a payload carries (issue 16): well-formed Unicode only (a lone
// surrogate would be altered on its way into SQLite's UTF-8), no control characters (C0 but tab
// and line breaks, which the normalisers fold into a space; DEL; C1) and no bidi overrides,
// embeddings, isolates or marks (they reorder what is printed). The raw length is capped before
// any normalisation runs, with `abort` so that a 10 MB string costs one length comparison.
const LONE_SURROGATE = /[\uD800-\uDFFF]/u
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const FORBIDDEN_CHAR = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069\uFFF9-\uFFFB]/u

/** Why a string breaks the text rule, or null. */
export function textRuleProblem(s: string): 'malformed' | 'forbidden-char' | null {
  if (LONE_SURROGATE.test(s)) return 'malformed'
  if (FORBIDDEN_CHAR.test(s)) return 'forbidden-char'
  return null
}

/** The raw input allowed for a field whose stored form has at most `max` characters: room for the
 * spaces and widths that normalisation folds, and not more. */
export const rawLimit = (max: number): number => Math.max(max * 2, max + 40)

/** A string checked by the text rule: type, raw length (before any costly work), then characters. */
export const ruleString = (label: string, max: number) =>
  z
    .string({ error: `${label}を入力してください` })
    .max(rawLimit(max), { error: `${label}は${max}文字以内で入力してください`, abort: true })
    .refine((s) => textRuleProblem(s) !== 'malformed', { error: `${label}に読み取れない文字（不正な文字コード）が含まれています`, abort: true })
    .refine((s) => textRuleProblem(s) !== 'forbidden-char', { error: `${label}に制御文字や文字の向きを変える記号は使えません`, abort: true })

/** Free text in its stored form (NFKC, spaces folded), 1..max characters. */
const text = (label: string, max: number) =>
  ruleString(label, max)
    .transform(normalizeText)
    .pipe(
      z
        .string()
        .min(1, { error: `${label}を入力してください` })
        .max(max, { error: `${label}は${max}文字以内で入力してください` }),
    )

/** Free text that may be left empty (備考, 理由 where the form does not require one). */
const optionalText = (label: string, max: number) =>
  ruleString(label, max)
    .transform(normalizeText)
    .pipe(z.string().max(max, { error: `${label}は${max}文字以内で入力してください` }))
    .optional()

const digits = (label: string, n: number) =>
  ruleString(label, n)
    .transform(normalizeDigits)
    .pipe(z.string().regex(new RegExp(`^\\d{${n}}$`), { error: `${label}は数字${n}桁で入力してください` }))

const ymd = (label: string) =>
  ruleString(label, 10)
    .transform((s) => s.normalize('NFKC').trim().replace(/\//g, '-'))
    .pipe(z.string().refine(isValidYmd, { error: `${label}を正しい日付で入力してください` }))

export const kanaNameSchema = ruleString('フリガナ', 60)
  .transform(normalizeKana)
  .pipe(
    z
      .string()
      .min(1, { error: 'フリガナを入力してください' })
      .max(60, { error: 'フリガナは60文字以内で入力してください' })
      .refine(isKatakanaName, { error: 'フリガナはカタカナで入力してください' }),
  )

export const ACCOUNT_TYPES = ['ordinary', 'current', 'savings'] as const
export type AccountType = (typeof ACCOUNT_TYPES)[number]
export const ACCOUNT_TYPE_LABELS: Record<AccountType, string> = {
  ordinary: '普通',
  current: '当座',
  savings: '貯蓄',
}

/** 本人確認書類 offered at the counter. 健康保険証 is no longer issued or valid since 2025-12-01; its
 * successor, the 資格確認書 (no photo), needs a second document as the 健康保険証 did. */
export const ID_DOCUMENT_TYPES = [
  'drivers_license',
  'my_number_card',
  'passport',
  'residence_card',
  'qualification_certificate',
] as const
export type IdDocumentType = (typeof ID_DOCUMENT_TYPES)[number]
/** What a stored request may name: requests received before 2025-12-01 keep 'health_insurance'. */
export type StoredIdDocumentType = IdDocumentType | 'health_insurance'
export const ID_DOCUMENT_LABELS: Record<StoredIdDocumentType, string> = {
  drivers_license: '運転免許証',
  my_number_card: 'マイナンバーカード',
  passport: '旅券（パスポート）',
  residence_card: '在留カード',
  qualification_certificate: '資格確認書＋補助書類',
  health_insurance: '健康保険証（旧）＋補助書類',
}
/** A document without a photo: a second document (補助書類) must be checked too. */
export function needsSecondDocument(t: StoredIdDocumentType | null | undefined): boolean {
  return t === 'qualification_certificate' || t === 'health_insurance'
}
export const SECOND_DOCUMENT_TYPES = ['resident_record', 'utility_receipt', 'pension_book', 'tax_certificate'] as const
export type SecondDocumentType = (typeof SECOND_DOCUMENT_TYPES)[number]
export const SECOND_DOCUMENT_LABELS: Record<SecondDocumentType, string> = {
  resident_record: '住民票の写し',
  utility_receipt: '公共料金の領収書',
  pension_book: '年金手帳',
  tax_certificate: '納税証明書',
}

export const accountSchema = z.object({
  branchCode: digits('店番', 3),
  type: z.enum(ACCOUNT_TYPES, { error: '預金種目を選択してください' }),
  number: digits('口座番号', 7),
})

export const identityCheckSchema = z
  .object({
    documentType: z.enum(ID_DOCUMENT_TYPES, { error: '本人確認書類を選択してください' }),
    secondDocumentType: z.enum(SECOND_DOCUMENT_TYPES, { error: '補助書類を選択してください' }).nullable().optional(),
  })
  .superRefine((v, ctx) => {
    if (needsSecondDocument(v.documentType) && !v.secondDocumentType) {
      ctx.addIssue({ code: 'custom', path: ['secondDocumentType'], message: '資格確認書の場合は補助書類を選択してください' })
    }
  })

export const postalCodeSchema = ruleString('郵便番号', 8)
  .transform((s) => {
    const n = normalizeHyphenated(s).replace(/^〒/, '')
    return /^\d{7}$/.test(n) ? `${n.slice(0, 3)}-${n.slice(3)}` : n
  })
  .pipe(z.string().regex(/^\d{3}-\d{4}$/, { error: '郵便番号は「123-4567」の形で入力してください' }))

export const phoneSchema = ruleString('電話番号', 13)
  .transform(normalizeHyphenated)
  .pipe(
    z
      .string()
      .regex(/^0[\d-]{9,12}$/, { error: '電話番号は0から始まる数字（ハイフン可）で入力してください' })
      .refine((s) => {
        const d = s.replace(/-/g, '').length
        return d === 10 || d === 11
      }, { error: '電話番号は10桁または11桁で入力してください' }),
  )

export const ibContractIdSchema = digits('IB契約者ID', 10)

const remarksSchema = optionalText('備考', 200)

/** What every paper request carries, as typed by the teller: who (name, kana, phone), which
 * account and IB contract (typed from the paper and checked against the customer), the identity
 * document checked and the registered-seal match. No field for any of the customer's passwords or
 * OTP codes exists, by design. */
export const paperRequestBaseSchema = z.object({
  customerId: z.number().int().positive(),
  applicationDate: ymd('お申込日'),
  nameKanji: text('お名前', 60),
  nameKana: kanaNameSchema,
  phone: phoneSchema,
  account: accountSchema,
  ibContractId: ibContractIdSchema,
  identity: identityCheckSchema,
  sealMatched: z.literal(true, { error: '届出印の照合を確認してください' }),
  remarks: remarksSchema,
})

/** ワンタイムパスワード申込書 (新規申込): the base plus date of birth and address. */
export const newApplicationSchema = paperRequestBaseSchema.extend({
  birthDate: ymd('生年月日'),
  postalCode: postalCodeSchema,
  address: text('おところ', 200),
})

/** 利用停止: the base plus the reason ticked on the paper (その他 needs the text). */
export const suspensionSchema = paperRequestBaseSchema
  .extend({
    reason: z.enum(SUSPENSION_REASONS, { error: '利用停止の理由を選択してください' }),
    reasonText: optionalText('理由', 200),
  })
  .superRefine((v, ctx) => {
    if (v.reason === 'other' && !v.reasonText)
      ctx.addIssue({ code: 'custom', path: ['reasonText'], message: '「その他」の場合は理由を入力してください' })
  })

/** 閉塞解除: what the teller verified before an unlock (DOMAIN.md). The identity document and the
 * registered seal are in the base; here: the document's photo and details match the applicant,
 * the applicant is the contract holder, how the block happened in the customer's words, whether
 * someone else may have tried codes, and whether fraud is suspected (then the unlock is refused
 * and the branch takes a 利用停止 instead). */
export const unlockVerificationSchema = z.object({
  idDocumentMatches: z.literal(true, { error: '本人確認書類の写真・記載内容が申出人と一致することを確認してください' }),
  contractHolderConfirmed: z.literal(true, { error: '申出人がご契約者ご本人であることを確認してください' }),
  blockAccount: text('閉塞に至った経緯', 400),
  othersMayHaveTried: z.boolean({ error: '他の人がワンタイムパスワードを入力した可能性を選択してください' }),
  fraudSuspected: z.boolean({ error: '不正利用の疑いの有無を選択してください' }),
})
export type UnlockVerification = z.output<typeof unlockVerificationSchema>

export const unlockSchema = paperRequestBaseSchema.extend({ verification: unlockVerificationSchema })

/** 利用再開／トークン再発行, ご利用解除, 発行規制解除: the base alone. */
export const resumptionSchema = paperRequestBaseSchema
export const cancellationSchema = paperRequestBaseSchema
export const restrictionReleaseSchema = paperRequestBaseSchema

/** 受付キー: made by the reception form when it opened (a UUID), sent with every submit of that
 * form. A repeat of the key (a click repeated after a lost reply, a double click, a reconnect)
 * answers the request the first submit created instead of receiving a second one. */
export const submissionKeySchema = z.uuid({ error: '受付キーが不正です。画面を開き直してください' })

/** The paper form of each request kind this version registers. */
export const REQUEST_FORM_SCHEMAS = {
  new_application: newApplicationSchema,
  suspension: suspensionSchema,
  resumption: resumptionSchema,
  cancellation: cancellationSchema,
  restriction_release: restrictionReleaseSchema,
  unlock: unlockSchema,
} as const
export type FormKind = keyof typeof REQUEST_FORM_SCHEMAS

/** A form as stored and shown again: its kind beside the parsed fields. */
export type RequestForm = {
  [K in FormKind]: { kind: K } & z.output<(typeof REQUEST_FORM_SCHEMAS)[K]>
}[FormKind]

/** 差戻し後の再提出: the corrected form of the same kind, for the same customer. */
export const resubmitSchema = z.strictObject({
  requestId: z.number().int().positive(),
  version: z.number().int().min(1),
  form: z.discriminatedUnion('kind', [
    newApplicationSchema.extend({ kind: z.literal('new_application') }).strict(),
    suspensionSchema.safeExtend({ kind: z.literal('suspension') }).strict(),
    resumptionSchema.extend({ kind: z.literal('resumption') }).strict(),
    cancellationSchema.extend({ kind: z.literal('cancellation') }).strict(),
    restrictionReleaseSchema.extend({ kind: z.literal('restriction_release') }).strict(),
    unlockSchema.extend({ kind: z.literal('unlock') }).strict(),
  ]),
})

const reasonText = (label: string) => text(label, 200)

/** 差戻し: the supervisor says what the teller must correct. */
export const returnRequestSchema = z.strictObject({
  requestId: z.number().int().positive(),
  version: z.number().int().min(1),
  reason: reasonText('差戻しの理由'),
})

/** 取消: the teller withdraws a request (the customer took it back, or it was entered by mistake). */
export const withdrawRequestSchema = z.strictObject({
  requestId: z.number().int().positive(),
  version: z.number().int().min(1),
  reason: reasonText('取消の理由'),
})

/** An event from the centre or the customer's report, with the date it happened. */
export const recordEventSchema = z.strictObject({
  customerId: z.number().int().positive(),
  /** The customer screen's version: an event recorded on a stale screen is refused. */
  customerVersion: z.number().int().min(1),
  kind: z.enum(EVENT_KINDS, { error: '記録する事象を選択してください' }),
  occurredOn: ymd('発生日'),
  source: z.enum(EVENT_SOURCES, { error: '情報源を選択してください' }),
  note: remarksSchema,
})

export type NewApplicationInput = z.input<typeof newApplicationSchema>
export type NewApplicationForm = z.output<typeof newApplicationSchema>

export const customerSearchSchema = z
  .strictObject({
    branchCode: ruleString('店番', 3).optional(),
    accountNumber: ruleString('口座番号', 7).optional(),
    kana: ruleString('カナ氏名', 60).optional(),
    /** お名前（漢字）: folded like the stored search key, so 塚 finds 塚 (U+FA10) and the other way round. */
    name: ruleString('お名前', 60).optional(),
    ibContractId: ruleString('IB契約者ID', 10).optional(),
  })
  .transform((v) => ({
    branchCode: v.branchCode ? v.branchCode.normalize('NFKC').trim() : '',
    // Digits of any width; nothing else is taken away, so '100-000' is refused with a message
    // instead of silently becoming another number.
    accountNumber: v.accountNumber ? v.accountNumber.normalize('NFKC').replace(/[\s\u3000]+/g, '') : '',
    kana: v.kana ? kanaSearchKey(v.kana) : '',
    name: v.name ? searchFold(v.name) : '',
    ibContractId: v.ibContractId ? normalizeDigits(v.ibContractId) : '',
  }))
  .superRefine((v, ctx) => {
    if (!v.accountNumber && !v.kana && !v.name && !v.ibContractId) {
      ctx.addIssue({ code: 'custom', path: ['kana'], message: '口座番号・お名前・カナ氏名・IB契約者IDのいずれかを入力してください' })
      return
    }
    if (v.branchCode && !/^\d{3}$/.test(v.branchCode))
      ctx.addIssue({ code: 'custom', path: ['branchCode'], message: '店番は数字3桁で入力してください' })
    if (v.accountNumber && !/^\d+$/.test(v.accountNumber))
      ctx.addIssue({ code: 'custom', path: ['accountNumber'], message: '口座番号は数字だけで入力してください（「-」などの記号は入れません）' })
    else if (v.accountNumber && v.accountNumber.length > 7)
      ctx.addIssue({ code: 'custom', path: ['accountNumber'], message: `口座番号は7桁以内で入力してください（${v.accountNumber.length}桁入力されています）` })
    if (v.accountNumber && !v.branchCode)
      ctx.addIssue({ code: 'custom', path: ['branchCode'], message: '口座番号で探すときは店番も入力してください' })
    if (v.kana && !isKatakanaName(v.kana))
      ctx.addIssue({ code: 'custom', path: ['kana'], message: 'カナ氏名はカナで入力してください' })
    if (v.ibContractId && !/^\d{10}$/.test(v.ibContractId))
      ctx.addIssue({ code: 'custom', path: ['ibContractId'], message: 'IB契約者IDは数字10桁で入力してください' })
  })

export const STAFF_ROLES = ['teller', 'supervisor', 'admin', 'head_office'] as const
export type StaffRole = (typeof STAFF_ROLES)[number]
export const ROLE_LABELS: Record<StaffRole, string> = { teller: '担当者', supervisor: '役席', admin: '管理者', head_office: '本部' }

export const loginIdSchema = ruleString('職員ID', 32)
  .transform((s) => s.normalize('NFKC').trim())
  .pipe(z.string().regex(/^[A-Za-z0-9._-]{3,32}$/, { error: '職員IDは半角英数字3〜32文字で入力してください' }))

/** A password is checked by the text rule too (a lone surrogate would hash like U+FFFD), but
 * never normalised: it is hashed exactly as typed. */
const passwordString = () => ruleString('パスワード', 128).max(128, { error: 'パスワードは128文字以内にしてください' })

/** The password policy, worded once for every new-password field (初期設定, 職員の登録, 再設定,
 * パスワード変更). */
export const PASSWORD_POLICY = '10文字以上で、英字と数字を両方含めてください（大文字・小文字は区別されます）'

export const newPasswordSchema = passwordString()
  .min(10, { error: 'パスワードは10文字以上にしてください' })
  .refine((s) => /[A-Za-z]/.test(s) && /\d/.test(s), { error: 'パスワードには英字と数字を両方含めてください' })

export const loginSchema = z.object({
  loginId: loginIdSchema,
  password: passwordString().min(1, { error: 'パスワードを入力してください' }),
})

/** パスワード変更 by the staff member themselves (and at the first login after an administrator
 * set the password): the current one, and a new one that differs from it. */
export const changePasswordSchema = z
  .object({
    currentPassword: passwordString().min(1, { error: '現在のパスワードを入力してください' }),
    newPassword: newPasswordSchema,
  })
  .superRefine((v, ctx) => {
    if (v.currentPassword && v.newPassword === v.currentPassword)
      ctx.addIssue({ code: 'custom', path: ['newPassword'], message: '新しいパスワードは現在のパスワードと違うものにしてください' })
  })

/** The second person's confirmation of a staff change that needs four eyes (役席・管理者の登録,
 * 役割の引き上げ, 役席・管理者のパスワード再設定): another administrator, or a supervisor, types
 * their own ID and password at that moment. */
export const staffConfirmationSchema = z.strictObject({
  loginId: loginIdSchema,
  password: passwordString().min(1, { error: '確認者のパスワードを入力してください' }),
})

/** The roles whose creation, raise or password reset needs a second person's confirmation. */
export const CONFIRMED_ROLES: readonly StaffRole[] = ['supervisor', 'admin', 'head_office']

export const staffCreateSchema = z.object({
  loginId: loginIdSchema,
  name: text('氏名', 40),
  role: z.enum(STAFF_ROLES, { error: '役割を選択してください' }),
  password: newPasswordSchema,
  confirmation: staffConfirmationSchema.optional(),
})

export const staffResetPasswordSchema = z.strictObject({
  staffId: z.number({ error: 'IDが不正です' }).int().positive(),
  password: newPasswordSchema,
  confirmation: staffConfirmationSchema.optional(),
})

export const staffChangeRoleSchema = z.strictObject({
  staffId: z.number({ error: 'IDが不正です' }).int().positive(),
  role: z.enum(STAFF_ROLES, { error: '役割を選択してください' }),
  confirmation: staffConfirmationSchema.optional(),
})

export const staffRenameSchema = z.strictObject({
  staffId: z.number({ error: 'IDが不正です' }).int().positive(),
  name: text('氏名', 40),
})

export const staffRetireSchema = z.strictObject({
  staffId: z.number({ error: 'IDが不正です' }).int().positive(),
  reason: text('理由', 100),
})

export const setupFirstAdminSchema = z.object({
  /** 金融機関名, printed on every form (e.g. 〇〇信用組合). */
  institutionName: text('金融機関名', 40),
  branchCode: digits('店番', 3),
  branchName: text('店名', 40),
  /** The branch's telephone for enquiries, printed on the customer's copies. */
  branchPhone: phoneSchema,
  loginId: loginIdSchema,
  name: text('氏名', 40),
  password: newPasswordSchema,
})

export const idSchema = z.number({ error: 'IDが不正です' }).int().positive()

/** One screen of a request list (検印待ち一覧, 差戻し一覧): at most `limit` rows after `after`, the
 * last row of the screen before (a keyset over the list's order, 受付日時 then id), never an
 * offset: the next screen costs the same however long the list is. */
export const REQUEST_PAGE_DEFAULT = 50
export const REQUEST_PAGE_MAX = 200
export const requestCursorSchema = z.strictObject({
  receivedAt: z.string({ error: '表示位置が不正です' }).regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$/, { error: '表示位置が不正です' }),
  id: idSchema,
})
/** The branch a per-branch screen shows (検印待ち, 日次取扱一覧): absent for one's own; another
 * only for a role that sees every branch (main decides, electron/main/services/branchScope.ts). */
export const viewedBranchSchema = z
  .string({ error: '店番は数字3桁で入力してください' })
  .regex(/^\d{3}$/, { error: '店番は数字3桁で入力してください' })
  .nullish()

export const requestPageSchema = z.strictObject({
  limit: z
    .number({ error: `表示件数は1〜${REQUEST_PAGE_MAX}件で指定してください` })
    .int({ error: `表示件数は1〜${REQUEST_PAGE_MAX}件で指定してください` })
    .min(1, { error: `表示件数は1〜${REQUEST_PAGE_MAX}件で指定してください` })
    .max(REQUEST_PAGE_MAX, { error: `表示件数は1〜${REQUEST_PAGE_MAX}件で指定してください` })
    .default(REQUEST_PAGE_DEFAULT),
  after: requestCursorSchema.optional(),
})

/** One screen of the 検印 queue of a branch. */
export const reviewQueueSchema = requestPageSchema.extend({ branchCode: viewedBranchSchema })

/** The forms printed for one request. The renderer names one of these and the request; the main
 * process gathers the data, builds the PDF and archives it. */
export const REQUEST_FORM_NAMES = ['customer_receipt', 'completion_notice', 'handling_record'] as const
export type RequestFormName = (typeof REQUEST_FORM_NAMES)[number]
/** Every form, including the branch's daily journal. */
export type FormName = RequestFormName | 'daily_journal'
export const FORM_LABELS: Record<FormName, string> = {
  customer_receipt: 'お客さま控',
  completion_notice: '処理完了のお知らせ',
  handling_record: '取扱記録票',
  daily_journal: '日次取扱一覧',
}

export const requestFormRefSchema = z.strictObject({
  form: z.enum(REQUEST_FORM_NAMES, { error: '帳票の種類が不正です' }),
  requestId: idSchema,
})

/** 日次取扱一覧 of one business date (today or earlier; checked against the clock in main). */
export const dailyJournalRefSchema = z.strictObject({ businessDate: ymd('取扱日'), branchCode: viewedBranchSchema })

/** 復元 from the administrator's バックアップ screen: a backup named as the screen lists it (a file
 * name in the backup folders, never a path), and the administrator's own password typed again. */
export const restoreBackupSchema = z.strictObject({
  name: z
    .string({ error: 'バックアップを選択してください' })
    .max(120, { error: 'バックアップを一覧から選択してください' })
    .regex(/^ledger-[A-Za-z0-9-]+\.sqlite$/, { error: 'バックアップを一覧から選択してください' }),
  password: passwordString().min(1, { error: 'パスワードを入力してください' }),
})

/** 閉塞解除をお断り（不正利用の疑い）: recorded from the checklist; the answers given so far go with it. */
export const unlockFraudRefusalSchema = z.strictObject({
  customerId: idSchema,
  verification: z.strictObject({
    othersMayHaveTried: z.boolean().nullable().optional(),
    blockAccount: optionalText('閉塞に至った経緯', 400),
  }),
})

/** 引継ぎ of a returned request, at the version the teller saw. */
export const takeOverSchema = z.strictObject({ requestId: idSchema, version: z.number().int().min(1) })

/** The on-screen 日次取扱一覧: one page of one day's requests, filtered by state and kind. */
export const JOURNAL_PAGE_MAX = 100
export const journalListSchema = z.strictObject({
  businessDate: ymd('取扱日'),
  branchCode: viewedBranchSchema,
  state: z.enum(REQUEST_STATES).nullable().optional(),
  kind: z.enum(REQUEST_KINDS).nullable().optional(),
  cursor: z.string().regex(/^[0-9T:.Z-]{10,40}\|\d{1,12}$/).nullable().optional(),
  limit: z.number().int().min(1).max(JOURNAL_PAGE_MAX).optional(),
})

/** Map zod issues to field path -> first Japanese message ('account.number' style paths). */
export function fieldErrors(error: z.ZodError): Record<string, string> {
  const out: Record<string, string> = {}
  for (const issue of error.issues) {
    const key = excerpt(issue.path.map(String).join('.') || '_', 80)
    if (key in out) continue
    // An unknown key is named, but never whole (a 1 MB key must not come back in the answer).
    out[key] =
      issue.code === 'unrecognized_keys'
        ? `不明な項目があります（${excerpt(issue.keys.join('、'), 40)}）`
        : excerpt(issue.message, 200)
  }
  return out
}

/** At most `max` characters of `s`, with an ellipsis when cut (never a lone half of a pair). */
export function excerpt(s: string, max: number): string {
  if (s.length <= max) return s
  return `${s.slice(0, max).replace(/[\uD800-\uDBFF]$/, '')}…`
}

/** 役席認証: the supervisor types their own staff ID and password on the counter terminal, sees
 * the verification answers and decides (承認, or 差戻し with a reason). Valid for this request at
 * this version only. A repeated unlock of the same customer must be acknowledged. */
export const decideUnlockSchema = z
  .strictObject({
    requestId: z.number().int().positive(),
    version: z.number().int().min(1),
    supervisorLoginId: loginIdSchema,
    supervisorPassword: passwordString().min(1, { error: 'パスワードを入力してください' }),
    decision: z.enum(['approve', 'return'], { error: '承認か差戻しかを選択してください' }),
    reason: optionalText('理由', 200),
    acknowledgeRepeat: z.boolean().optional(),
  })
  .superRefine((v, ctx) => {
    if (v.decision === 'return' && !v.reason)
      ctx.addIssue({ code: 'custom', path: ['reason'], message: '差戻しの理由を入力してください' })
  })

/** A mail domain the customer must allow for the centre's e-mail, written as on the seeds: '@otp-auth.net'. */
const mailDomainSchema = ruleString('受信許可ドメイン', 200)
  .transform((s) => {
    const t = s.normalize('NFKC').trim().toLowerCase()
    return t.startsWith('@') ? t : `@${t}`
  })
  .pipe(
    z
      .string()
      .regex(/^@(?=.{4,200}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,}$/, {
        error: '受信許可ドメインは「@example.co.jp」の形で入力してください',
      }),
  )

/** Branch settings an administrator maintains: the repeat-unlock period, and what the forms print
 * about the institution (name, the branch's telephone) and the centre's mail domains. The printed
 * ones may be left out of an update (they keep their value). */
export const branchSettingsSchema = z.strictObject({
  /** A second 閉塞解除 of the same customer within this many days needs the supervisor's acknowledgement. */
  unlockRepeatDays: z
    .number({ error: '日数を入力してください' })
    .int({ error: '日数は整数で入力してください' })
    .min(1, { error: '日数は1日以上にしてください' })
    .max(366, { error: '日数は366日以内にしてください' }),
  /** 金融機関名 printed on every form, e.g. 〇〇信用組合; may be empty. */
  institutionName: optionalText('金融機関名', 40),
  /** The branch's telephone for enquiries printed on the customer's copies; may be empty. */
  branchPhone: ruleString('電話番号', 13)
    .transform(normalizeHyphenated)
    .pipe(
      z.string().refine((s) => s === '' || phoneSchema.safeParse(s).success, {
        error: '電話番号は0から始まる10桁または11桁の数字（ハイフン可）で入力してください',
      }),
    )
    .optional(),
  /** Domains the customer must allow for the centre's e-mail, printed on the customer's copies. */
  centreMailDomains: z
    .array(mailDomainSchema)
    .min(1, { error: '受信許可ドメインを1つ以上入力してください' })
    .max(5, { error: '受信許可ドメインは5つまでです' })
    .optional(),
})
export type BranchSettings = Required<z.output<typeof branchSettingsSchema>>
