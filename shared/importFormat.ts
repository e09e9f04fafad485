// What the customer-master and status-list imports read, shared by the import screen (to offer
// the mapping) and the main process (to read each line). A row's values go through the same
// schemas as a form typed at the counter, so an imported name is stored exactly as a typed one.
import { z } from 'zod'
import { ERAS, fromWareki, isValidYmd, type EraName } from './datetime'
import { givenKanaKey, givenNameKey, normalizeDigits, normalizeText, kanaSearchKey, searchFold } from './normalize'
import { ACCOUNT_TYPES, kanaNameSchema, postalCodeSchema, phoneSchema, ibContractIdSchema, type AccountType } from './schemas'
import { EVENT_KINDS, type EventKind } from './status'

/** The customer master's fields, in the order the mapping shows them. */
export const CUSTOMER_FIELDS = [
  'branchCode',
  'accountType',
  'accountNumber',
  'nameKanji',
  'nameKana',
  'birthDate',
  'postalCode',
  'address',
  'phone',
  'ibContractId',
] as const
export type CustomerField = (typeof CUSTOMER_FIELDS)[number]
export const CUSTOMER_FIELD_LABELS: Record<CustomerField, string> = {
  branchCode: '店番',
  accountType: '預金種目',
  accountNumber: '口座番号',
  nameKanji: '氏名',
  nameKana: 'フリガナ',
  birthDate: '生年月日',
  postalCode: '郵便番号',
  address: '住所',
  phone: '電話番号',
  ibContractId: 'IB契約者ID',
}

/** The IB centre's status list: the customer (IB契約者ID, or the account), the event and its day. */
export const STATUS_FIELDS = ['ibContractId', 'branchCode', 'accountType', 'accountNumber', 'event', 'occurredOn'] as const
export type StatusField = (typeof STATUS_FIELDS)[number]
export const STATUS_FIELD_LABELS: Record<StatusField, string> = {
  ibContractId: 'IB契約者ID',
  branchCode: '店番',
  accountType: '預金種目',
  accountNumber: '口座番号',
  event: '事象',
  occurredOn: '発生日',
}

export const IMPORT_KINDS = ['customers', 'status'] as const
export type ImportKind = (typeof IMPORT_KINDS)[number]

/** Column of the file (its header text) for each field; '' = not in the file. */
export type ColumnMapping = Partial<Record<string, string>>

export const mappingSchema = z.record(z.string().max(40), z.string().max(200))

/** The header names a core system commonly uses, to propose a first mapping. */
export const HEADER_GUESSES: Record<CustomerField | StatusField, readonly string[]> = {
  branchCode: ['店番', '店番号', '支店番号', '取引店番'],
  accountType: ['預金種目', '科目', '種目'],
  accountNumber: ['口座番号', '口座番'],
  nameKanji: ['氏名', '漢字氏名', 'お名前', '名前'],
  nameKana: ['フリガナ', 'カナ氏名', 'ﾌﾘｶﾞﾅ', 'ｶﾅ氏名', 'カナ'],
  birthDate: ['生年月日', '誕生日'],
  postalCode: ['郵便番号', '〒'],
  address: ['住所', 'おところ'],
  phone: ['電話番号', '電話', 'TEL'],
  ibContractId: ['IB契約者ID', 'ＩＢ契約者ＩＤ', '契約者ID', 'ご利用者番号'],
  event: ['事象', 'イベント', '状態', 'ステータス'],
  occurredOn: ['発生日', '日付', '処理日'],
}

export function guessMapping(fields: readonly string[], header: readonly string[]): ColumnMapping {
  const norm = (s: string) => s.normalize('NFKC').replace(/\s/g, '')
  const out: ColumnMapping = {}
  for (const f of fields) {
    const hit = header.find((h) => (HEADER_GUESSES[f as CustomerField] ?? []).some((g) => norm(g) === norm(h)))
    out[f] = hit ?? ''
  }
  return out
}

/** 預金種目: the label (普通・当座・貯蓄) or the 全銀 code (1, 2, 4). */
export function parseAccountType(s: string): AccountType | null {
  const v = s.normalize('NFKC').trim()
  const byLabel: Record<string, AccountType> = { 普通: 'ordinary', 普通預金: 'ordinary', 当座: 'current', 当座預金: 'current', 貯蓄: 'savings', 貯蓄預金: 'savings', '1': 'ordinary', '2': 'current', '4': 'savings' }
  const t = byLabel[v] ?? (ACCOUNT_TYPES as readonly string[]).find((a) => a === v)
  return (t as AccountType | undefined) ?? null
}

const ERA_LETTERS: Record<string, EraName> = { R: '令和', H: '平成', S: '昭和', T: '大正' }

/** 生年月日 as a core system writes it: 西暦 (1975-04-01, 1975/4/1, 19750401, 1975年4月1日) or 和暦
 * (昭和50年4月1日, 平成元年1月8日, S50.04.01, H1/1/8). 'YYYY-MM-DD', or null if it is no real date. */
export function parseFlexibleDate(input: string): string | null {
  const s = input.normalize('NFKC').trim().replace(/\s/g, '')
  const pad = (y: number, m: number, d: number) => `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`
  let m = /^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$/.exec(s)
  if (m) {
    const ymd = pad(+m[1]!, +m[2]!, +m[3]!)
    return isValidYmd(ymd) ? ymd : null
  }
  m = /^(\d{4})(\d{2})(\d{2})$/.exec(s)
  if (m) {
    const ymd = `${m[1]}-${m[2]}-${m[3]}`
    return isValidYmd(ymd) ? ymd : null
  }
  m = /^(令和|平成|昭和|大正|[RHST])(元|\d{1,2})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$/i.exec(s)
  if (m) {
    const era = (ERAS.find((e) => e.name === m![1]) ? m[1] : ERA_LETTERS[m[1]!.toUpperCase()]) as EraName
    const year = m[2] === '元' ? 1 : +m[2]!
    return fromWareki(era, year, +m[3]!, +m[4]!)
  }
  return null
}

/** The stored form of one customer-master row. */
export interface CustomerRecord {
  branchCode: string
  accountType: AccountType
  accountNumber: string
  nameKanji: string
  nameKana: string
  kanaKey: string
  /** Search keys (searchFold): the whole kanji name, its given name, the kana given name. */
  nameKey: string
  givenNameKey: string
  givenKanaKey: string
  birthDate: string
  postalCode: string
  address: string
  phone: string
  ibContractId: string
}

/** The fields an import compares and may change (the account is the key, never changed). */
export const COMPARED_FIELDS = ['nameKanji', 'nameKana', 'birthDate', 'postalCode', 'address', 'phone', 'ibContractId'] as const
export type ComparedField = (typeof COMPARED_FIELDS)[number]

function firstMessage(r: z.ZodSafeParseResult<unknown>): string | null {
  return r.success ? null : (r.error.issues[0]?.message ?? '値が正しくありません')
}

/** One row of the customer master, read through the counter's schemas. Either the stored form or
 * the Japanese reasons the row is refused. */
export function parseCustomerRow(get: (f: CustomerField) => string): { record: CustomerRecord } | { reasons: string[] } {
  const reasons: string[] = []
  const branchCode = normalizeDigits(get('branchCode'))
  if (!/^\d{3}$/.test(branchCode)) reasons.push('店番は数字3桁でなければなりません')
  const accountType = parseAccountType(get('accountType'))
  if (!accountType) reasons.push(`預金種目「${get('accountType')}」は普通・当座・貯蓄（または1・2・4）のいずれかでなければなりません`)
  let accountNumber = normalizeDigits(get('accountNumber'))
  if (/^\d{1,7}$/.test(accountNumber)) accountNumber = accountNumber.padStart(7, '0')
  else reasons.push('口座番号は数字7桁以内でなければなりません')
  const nameKanji = normalizeText(get('nameKanji'))
  if (!nameKanji) reasons.push('氏名がありません')
  else if (nameKanji.length > 60) reasons.push('氏名が60文字を超えています')
  const kana = kanaNameSchema.safeParse(get('nameKana'))
  const kanaMsg = firstMessage(kana)
  if (kanaMsg) reasons.push(`${kanaMsg}（「${get('nameKana')}」）`)
  const birthDate = parseFlexibleDate(get('birthDate'))
  if (!birthDate) reasons.push(`生年月日「${get('birthDate')}」を日付として読めません`)
  const postal = postalCodeSchema.safeParse(get('postalCode'))
  const postalMsg = firstMessage(postal)
  if (postalMsg) reasons.push(postalMsg)
  const address = normalizeText(get('address'))
  if (!address) reasons.push('住所がありません')
  else if (address.length > 200) reasons.push('住所が200文字を超えています')
  const phone = phoneSchema.safeParse(get('phone'))
  const phoneMsg = firstMessage(phone)
  if (phoneMsg) reasons.push(phoneMsg)
  const ib = ibContractIdSchema.safeParse(get('ibContractId'))
  const ibMsg = firstMessage(ib)
  if (ibMsg) reasons.push(ibMsg)
  if (reasons.length) return { reasons }
  const nameKana = kana.data!
  return {
    record: {
      branchCode,
      accountType: accountType!,
      accountNumber,
      nameKanji,
      nameKana,
      kanaKey: kanaSearchKey(nameKana),
      nameKey: searchFold(nameKanji),
      givenNameKey: givenNameKey(nameKanji),
      givenKanaKey: givenKanaKey(nameKana),
      birthDate: birthDate!,
      postalCode: postal.data!,
      address,
      phone: phone.data!,
      ibContractId: ib.data!,
    },
  }
}

/** The centre's words for the events it reports. */
export function parseEventKind(s: string): EventKind | null {
  const v = s.normalize('NFKC').trim()
  const words: Record<string, EventKind> = {
    トークン発行: 'token_issued',
    トークン発行済: 'token_issued',
    利用開始: 'use_started',
    サービス利用中: 'use_started',
    閉塞: 'blocked',
    発行規制: 'issuance_restricted',
    トークン発行規制: 'issuance_restricted',
  }
  return words[v] ?? ((EVENT_KINDS as readonly string[]).includes(v) ? (v as EventKind) : null)
}

// ---- What the screen and the command show -------------------------------------------------------

export interface StagedFile {
  stagingId: string
  fileName: string
  size: number
}

export interface ImportInspection extends StagedFile {
  kind: ImportKind
  sha256: string
  encoding: string
  /** e.g. 'Shift_JIS（CP932）', shown before anything is written. */
  encodingLabel: string
  delimiter: 'comma' | 'tab'
  header: string[]
  sample: string[][]
  /** The saved mapping of the last import of this kind, else a guess from the header. */
  mapping: Record<string, string>
}

export interface RefusedLine {
  line: number
  reasons: string[]
}

export interface FieldChange {
  field: ComparedField | 'closedOn'
  label: string
  from: string
  to: string
}

export interface CustomerChange {
  line: number
  account: string
  name: string
  fields: FieldChange[]
}

export interface ImportReportBase {
  mode: 'dry_run' | 'apply'
  fileName: string
  sha256: string
  encodingLabel: string
  rows: number
  refused: RefusedLine[]
  /** How many refused lines there are in all (the list keeps the first LIST_LIMIT). */
  refusedCount: number
  startedAt: string
  finishedAt: string
  by: string
}

export interface CustomerImportReport extends ImportReportBase {
  kind: 'customers'
  fullExtract: boolean
  counts: { new: number; changed: number; unchanged: number; refused: number; missing: number; closed: number }
  changes: CustomerChange[]
  missingList: { account: string; name: string }[]
  /** Why the customers missing from a full extract were not marked closed, if they were not. */
  closingSkipped: string | null
  /** 店番 of the file the ledger did not know; the import adds them as branches. */
  newBranches: string[]
}

export interface StatusLineOutcome {
  line: number
  customer: string
  event: string
  occurredOn: string
  from: string
  to: string
}

export interface StatusImportReport extends ImportReportBase {
  kind: 'status'
  counts: { recorded: number; skipped: number; refused: number }
  /** What each line records (dry run: would record). */
  outcomes: StatusLineOutcome[]
  skippedList: { line: number; reason: string }[]
}

export type ImportReport = CustomerImportReport | StatusImportReport

export interface ImportJobView {
  jobId: string
  kind: ImportKind
  mode: 'dry_run' | 'apply'
  state: 'running' | 'done' | 'failed'
  bytesRead: number
  size: number
  rows: number
  report: ImportReport | null
  error: { code: string; message: string } | null
}

/** Lists in a report keep the first entries; the counts are always complete. */
export const LIST_LIMIT = 1000

export const importStartSchema = z.strictObject({
  stagingId: z.string().regex(/^[0-9a-f-]{36}$/, { error: '取込ファイルの指定が正しくありません' }),
  kind: z.enum(IMPORT_KINDS),
  mapping: mappingSchema,
  fullExtract: z.boolean().default(false),
  mode: z.enum(['dry_run', 'apply']),
})
export type ImportStartInput = z.output<typeof importStartSchema>
