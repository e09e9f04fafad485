// The paper request beside what the ledger already knows (issue 13, point 7): every field of the
// paper that has a registered value is compared with the customer's record, and a resubmitted
// request with the version a supervisor returned. Both the teller (before confirming) and the
// supervisor (at 検印) see the same comparison, side by side. Values are compared exactly as stored:
// a name that differs only in a character's form (塚 U+FA10 / 塚 U+585A) or width is a difference
// too, marked as such (`formOnly`), because in a bank the exact characters of a name matter.
import { toWarekiWithSeireki } from './datetime'
import { searchFold } from './normalize'
import { ACCOUNT_TYPE_LABELS, ID_DOCUMENT_LABELS, SECOND_DOCUMENT_LABELS, type RequestForm, type StoredIdDocumentType } from './schemas'
import { SUSPENSION_REASON_LABELS } from './status'
import type { RegisteredRecord } from './types'

export interface FieldComparison {
  /** The form's field path ('account.number' ...), as in the field messages. */
  key: string
  label: string
  paper: string
  registered: string
  same: boolean
  /** Different characters that fold to the same search form (異体字・全角半角の違いだけ). */
  formOnly: boolean
}

/** The fields of a paper form, in the paper's order, that the customer's record also holds. */
type Comparable = Pick<RequestForm, 'nameKanji' | 'nameKana' | 'phone' | 'account' | 'ibContractId'> &
  Partial<{ birthDate: string; postalCode: string; address: string }>

const date = (ymd: string | undefined): string => (ymd ? toWarekiWithSeireki(ymd) : '')

function row(key: string, label: string, paper: string, registered: string): FieldComparison {
  const same = paper === registered
  return { key, label, paper, registered, same, formOnly: !same && searchFold(paper) === searchFold(registered) }
}

/** Each field the paper and the record both carry; `kind` decides whether 生年月日・おところ apply
 * (only the 新規申込 paper carries them). A field left empty on the paper is compared as empty. */
export function compareWithRecord(form: Comparable & { kind: RequestForm['kind'] }, rec: RegisteredRecord): FieldComparison[] {
  const out = [
    row('nameKanji', 'お名前', form.nameKanji, rec.nameKanji),
    row('nameKana', 'フリガナ', form.nameKana, rec.nameKana),
  ]
  if (form.kind === 'new_application') {
    out.push(row('birthDate', '生年月日', date(form.birthDate), date(rec.birthDate)))
    out.push(row('postalCode', '郵便番号', form.postalCode ?? '', rec.postalCode))
    out.push(row('address', 'おところ', form.address ?? '', rec.address))
  }
  out.push(
    row('phone', '電話番号', form.phone, rec.phone),
    row('account.branchCode', '店番', form.account.branchCode, rec.account.branchCode),
    row('account.type', '預金種目', ACCOUNT_TYPE_LABELS[form.account.type] ?? '', ACCOUNT_TYPE_LABELS[rec.account.type]),
    row('account.number', '口座番号', form.account.number, rec.account.number),
    row('ibContractId', 'IB契約者ID', form.ibContractId, rec.ibContractId),
  )
  return out
}

/** The account and IB contract must be the customer's own (the main process refuses a mismatch,
 * ACCOUNT_MISMATCH); the renderer shows the same messages at the fields before the confirmation. */
export function accountMismatches(form: Pick<RequestForm, 'account' | 'ibContractId'>, rec: RegisteredRecord): Record<string, string> {
  const m: Record<string, string> = {}
  if (form.account.branchCode !== rec.account.branchCode) m['account.branchCode'] = '店番がお客さまの口座と一致しません'
  if (form.account.type !== rec.account.type) m['account.type'] = '預金種目がお客さまの口座と一致しません'
  if (form.account.number !== rec.account.number) m['account.number'] = '口座番号がお客さまの口座と一致しません'
  if (form.ibContractId !== rec.ibContractId) m['ibContractId'] = 'IB契約者IDがお客さまの登録と一致しません'
  return m
}

export interface FieldChange {
  key: string
  label: string
  before: string
  after: string
}

/** Every field of a paper form as the comparison shows it, keyed and labelled. */
function flatten(f: RequestForm): { key: string; label: string; value: string }[] {
  const doc = f.identity.documentType as StoredIdDocumentType
  const out = [
    { key: 'applicationDate', label: 'お申込日', value: date(f.applicationDate) },
    { key: 'nameKanji', label: 'お名前', value: f.nameKanji },
    { key: 'nameKana', label: 'フリガナ', value: f.nameKana },
  ]
  if (f.kind === 'new_application')
    out.push(
      { key: 'birthDate', label: '生年月日', value: date(f.birthDate) },
      { key: 'postalCode', label: '郵便番号', value: f.postalCode },
      { key: 'address', label: 'おところ', value: f.address },
    )
  if (f.kind === 'suspension')
    out.push(
      { key: 'reason', label: '利用停止の理由', value: SUSPENSION_REASON_LABELS[f.reason] },
      { key: 'reasonText', label: 'その他の理由', value: f.reasonText ?? '' },
    )
  out.push(
    { key: 'phone', label: '電話番号', value: f.phone },
    { key: 'account.branchCode', label: '店番', value: f.account.branchCode },
    { key: 'account.type', label: '預金種目', value: ACCOUNT_TYPE_LABELS[f.account.type] ?? '' },
    { key: 'account.number', label: '口座番号', value: f.account.number },
    { key: 'ibContractId', label: 'IB契約者ID', value: f.ibContractId },
    { key: 'identity.documentType', label: '本人確認書類', value: ID_DOCUMENT_LABELS[doc] ?? String(doc) },
    {
      key: 'identity.secondDocumentType',
      label: '補助書類',
      value: f.identity.secondDocumentType ? SECOND_DOCUMENT_LABELS[f.identity.secondDocumentType] : '',
    },
  )
  if (f.kind === 'unlock') {
    const yesNo = (b: boolean) => (b ? 'あり' : 'なし')
    out.push(
      { key: 'verification.blockAccount', label: '閉塞に至った経緯', value: f.verification.blockAccount },
      { key: 'verification.othersMayHaveTried', label: '他の人が入力した可能性', value: yesNo(f.verification.othersMayHaveTried) },
      { key: 'verification.fraudSuspected', label: '不正利用の疑い', value: yesNo(f.verification.fraudSuspected) },
    )
  }
  out.push({ key: 'remarks', label: '備考', value: f.remarks ?? '' })
  return out
}

/** What changed between two submissions of a form (the returned one and the resubmitted one). */
export function formChanges(before: RequestForm, after: RequestForm): FieldChange[] {
  const was = new Map(flatten(before).map((f) => [f.key, f.value]))
  const changes: FieldChange[] = []
  for (const f of flatten(after)) {
    const b = was.get(f.key) ?? ''
    if (b !== f.value) changes.push({ key: f.key, label: f.label, before: b, after: f.value })
  }
  return changes
}
