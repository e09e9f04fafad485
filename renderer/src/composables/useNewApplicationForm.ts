// The 新規申込 (ワンタイムパスワード申込書) being typed: the draft as the paper shows it, prefilled
// from the customer's record for the teller to compare, checked with the shared schema.
// There is deliberately no field for any password or OTP code of the customer.
import { inject, provide, reactive, type InjectionKey } from 'vue'
import { japanDate } from '../../../shared/datetime'
import {
  newApplicationSchema,
  type AccountType,
  type IdDocumentType,
  type SecondDocumentType,
} from '../../../shared/schemas'
import type { CustomerDetail } from '../../../shared/types'
import { emptyWareki, toWarekiParts, warekiToYmd, type WarekiParts } from '../lib/wareki'
import { useFieldValidation } from './useFieldValidation'

export interface NewApplicationDraft {
  /** お申込日, in 和暦 as on the paper; today (Japan time) unless the paper says otherwise. */
  applicationDate: WarekiParts
  nameKanji: string
  nameKana: string
  birth: WarekiParts
  postalCode: string
  address: string
  phone: string
  account: { branchCode: string; type: AccountType | null; number: string }
  ibContractId: string
  documentType: IdDocumentType | null
  secondDocumentType: SecondDocumentType | null
  sealMatched: boolean
  remarks: string
}

export function emptyDraft(): NewApplicationDraft {
  return {
    applicationDate: toWarekiParts(japanDate(new Date())),
    nameKanji: '',
    nameKana: '',
    birth: emptyWareki(),
    postalCode: '',
    address: '',
    phone: '',
    account: { branchCode: '', type: null, number: '' },
    ibContractId: '',
    documentType: null,
    secondDocumentType: null,
    sealMatched: false,
    remarks: '',
  }
}

/** The record's data, for the teller to check against the paper. The 口座番号 and the IB契約者ID
 * start empty: the teller types them from the paper, and the main process refuses a form whose
 * account or ID do not match the customer (ACCOUNT_MISMATCH), so the check is a real one. The
 * bank-use part starts empty too. */
export function draftFromCustomer(c: CustomerDetail): NewApplicationDraft {
  return {
    ...emptyDraft(),
    nameKanji: c.nameKanji,
    nameKana: c.nameKana,
    birth: toWarekiParts(c.birthDate),
    postalCode: c.postalCode,
    address: c.address,
    phone: c.phone,
    account: { branchCode: c.branchCode, type: c.accountType, number: '' },
    ibContractId: '',
  }
}

/** The draft in the schema's shape (keys as in the error paths: 'account.number' ...). */
export function toCandidate(customerId: number, d: NewApplicationDraft): Record<string, unknown> {
  return {
    customerId,
    applicationDate: warekiToYmd(d.applicationDate),
    nameKanji: d.nameKanji,
    nameKana: d.nameKana,
    birthDate: warekiToYmd(d.birth),
    postalCode: d.postalCode,
    address: d.address,
    phone: d.phone,
    account: { branchCode: d.account.branchCode, type: d.account.type ?? undefined, number: d.account.number },
    ibContractId: d.ibContractId,
    identity: {
      documentType: d.documentType ?? undefined,
      secondDocumentType: d.documentType === 'health_insurance' ? d.secondDocumentType : null,
    },
    sealMatched: d.sealMatched,
    ...(d.remarks.trim() ? { remarks: d.remarks } : {}),
  }
}

export function createNewApplicationForm(customerId: () => number) {
  const draft = reactive<NewApplicationDraft>(emptyDraft())
  const validation = useFieldValidation(newApplicationSchema, () => toCandidate(customerId(), draft), () => {
    const e: Record<string, string> = {}
    const applied = warekiToYmd(draft.applicationDate)
    if (applied && applied > japanDate(new Date())) e.applicationDate = 'お申込日に未来の日付は入力できません'
    return e
  })

  function fill(d: NewApplicationDraft): void {
    Object.assign(draft, d)
    validation.reset()
  }

  return { draft, validation, fill }
}

export type NewApplicationFormState = ReturnType<typeof createNewApplicationForm>
const KEY: InjectionKey<NewApplicationFormState> = Symbol('new-application-form')

export function provideNewApplicationForm(s: NewApplicationFormState): void {
  provide(KEY, s)
}

export function useNewApplicationForm(): NewApplicationFormState {
  const s = inject(KEY)
  if (!s) throw new Error('new-application form state not provided')
  return s
}
