// The paper request (依頼書) being typed, of any kind: the draft as the paper shows it, checked
// with the kind's shared schema (REQUEST_FORM_SCHEMAS). The fields every paper carries are shared;
// 新規申込 adds the date of birth and the address, 利用停止 the reason ticked on the paper, 閉塞解除
// the teller's verification (本人確認, 契約者本人, 閉塞の経緯, 不正利用の疑い).
// There is deliberately no field for any password or OTP code of the customer.
import { computed, inject, provide, reactive, type InjectionKey } from 'vue'
import { japanDate } from '../../../shared/datetime'
import { ERROR_MESSAGES } from '../../../shared/errors'
import {
  REQUEST_FORM_SCHEMAS,
  accountSchema,
  ibContractIdSchema,
  needsSecondDocument,
  type AccountType,
  type FormKind,
  type IdDocumentType,
  type RequestForm,
  type SecondDocumentType,
  type StoredIdDocumentType,
} from '../../../shared/schemas'
import type { SuspensionReason } from '../../../shared/status'
import type { CustomerDetail, RegisteredRecord } from '../../../shared/types'
import { accountMismatches } from '../../../shared/formCompare'
import { emptyWareki, toWarekiParts, warekiProblem, warekiToYmd, type WarekiParts } from '../lib/wareki'
import { useFieldValidation } from './useFieldValidation'

export interface RequestDraft {
  /** お申込日, in 和暦 as on the paper; today (Japan time) unless the paper says otherwise. */
  applicationDate: WarekiParts
  nameKanji: string
  nameKana: string
  phone: string
  account: { branchCode: string; type: AccountType | null; number: string }
  ibContractId: string
  documentType: IdDocumentType | null
  secondDocumentType: SecondDocumentType | null
  sealMatched: boolean
  remarks: string
  // 新規申込
  birth: WarekiParts
  postalCode: string
  address: string
  // 利用停止
  reason: SuspensionReason | null
  reasonText: string
  // 閉塞解除: the verification before the unlock (null: not answered yet)
  idDocumentMatches: boolean
  contractHolderConfirmed: boolean
  blockAccount: string
  othersMayHaveTried: boolean | null
  fraudSuspected: boolean | null
}

export function emptyDraft(): RequestDraft {
  return {
    applicationDate: toWarekiParts(japanDate(new Date())),
    nameKanji: '',
    nameKana: '',
    phone: '',
    account: { branchCode: '', type: null, number: '' },
    ibContractId: '',
    documentType: null,
    secondDocumentType: null,
    sealMatched: false,
    remarks: '',
    birth: emptyWareki(),
    postalCode: '',
    address: '',
    reason: null,
    reasonText: '',
    idDocumentMatches: false,
    contractHolderConfirmed: false,
    blockAccount: '',
    othersMayHaveTried: null,
    fraudSuspected: null,
  }
}

/** The record's data, for the teller to check against the paper. The 口座番号 and the IB契約者ID
 * start empty: the teller types them from the paper, and the main process refuses a form whose
 * account or ID do not match the customer (ACCOUNT_MISMATCH), so the check is a real one. The
 * bank-use part starts empty too. */
export function draftFromCustomer(c: CustomerDetail): RequestDraft {
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

/** A request's form as it was typed (差戻し: the teller corrects it and sends it again). */
export function draftFromForm(f: RequestForm): RequestDraft {
  const d: RequestDraft = {
    ...emptyDraft(),
    applicationDate: toWarekiParts(f.applicationDate),
    nameKanji: f.nameKanji,
    nameKana: f.nameKana,
    phone: f.phone,
    account: { ...f.account },
    ibContractId: f.ibContractId,
    // A 健康保険証 of an older request is no longer accepted: the teller chooses the document again.
    documentType: (f.identity.documentType as StoredIdDocumentType) === 'health_insurance' ? null : f.identity.documentType,
    secondDocumentType: f.identity.secondDocumentType ?? null,
    sealMatched: f.sealMatched,
    remarks: f.remarks ?? '',
  }
  if (f.kind === 'new_application') {
    d.birth = toWarekiParts(f.birthDate)
    d.postalCode = f.postalCode
    d.address = f.address
  } else if (f.kind === 'suspension') {
    d.reason = f.reason
    d.reasonText = f.reasonText ?? ''
  } else if (f.kind === 'unlock') {
    d.idDocumentMatches = f.verification.idDocumentMatches
    d.contractHolderConfirmed = f.verification.contractHolderConfirmed
    d.blockAccount = f.verification.blockAccount
    d.othersMayHaveTried = f.verification.othersMayHaveTried
    d.fraudSuspected = f.verification.fraudSuspected
  }
  return d
}

/** The draft in the kind's schema shape (keys as in the error paths: 'account.number' ...), with
 * only that kind's fields (the main side's schemas are strict). */
export function toCandidate(kind: FormKind, customerId: number, d: RequestDraft): Record<string, unknown> {
  const base: Record<string, unknown> = {
    customerId,
    applicationDate: warekiToYmd(d.applicationDate),
    nameKanji: d.nameKanji,
    nameKana: d.nameKana,
    phone: d.phone,
    account: { branchCode: d.account.branchCode, type: d.account.type ?? undefined, number: d.account.number },
    ibContractId: d.ibContractId,
    identity: {
      documentType: d.documentType ?? undefined,
      secondDocumentType: needsSecondDocument(d.documentType) ? d.secondDocumentType : null,
    },
    sealMatched: d.sealMatched,
    ...(d.remarks.trim() ? { remarks: d.remarks } : {}),
  }
  if (kind === 'new_application')
    return { ...base, birthDate: warekiToYmd(d.birth), postalCode: d.postalCode, address: d.address }
  if (kind === 'suspension')
    return {
      ...base,
      reason: d.reason ?? undefined,
      ...(d.reason === 'other' && d.reasonText.trim() ? { reasonText: d.reasonText } : {}),
    }
  if (kind === 'unlock')
    return {
      ...base,
      verification: {
        idDocumentMatches: d.idDocumentMatches,
        contractHolderConfirmed: d.contractHolderConfirmed,
        blockAccount: d.blockAccount,
        othersMayHaveTried: d.othersMayHaveTried ?? undefined,
        fraudSuspected: d.fraudSuspected ?? undefined,
      },
    }
  return base
}

/** The fields of a customer's record a paper request also carries. */
export function registeredOf(c: CustomerDetail): RegisteredRecord {
  return {
    nameKanji: c.nameKanji,
    nameKana: c.nameKana,
    birthDate: c.birthDate,
    postalCode: c.postalCode,
    address: c.address,
    phone: c.phone,
    account: { branchCode: c.branchCode, type: c.accountType, number: c.accountNumber },
    ibContractId: c.ibContractId,
  }
}

/** The account and IB契約者ID typed, where each is well-formed, against the record: the same
 * messages the main process gives (ACCOUNT_MISMATCH), at the fields, before the confirmation. */
function mismatchesOf(d: RequestDraft, rec: RegisteredRecord | null): Record<string, string> {
  if (!rec) return {}
  // A part not yet well-formed keeps its own message: it stands in as the registered value here.
  const branch = accountSchema.shape.branchCode.safeParse(d.account.branchCode)
  const number = accountSchema.shape.number.safeParse(d.account.number)
  const ib = ibContractIdSchema.safeParse(d.ibContractId)
  return accountMismatches(
    {
      account: {
        branchCode: branch.success ? branch.data : rec.account.branchCode,
        type: d.account.type ?? rec.account.type,
        number: number.success ? number.data : rec.account.number,
      },
      ibContractId: ib.success ? ib.data : rec.ibContractId,
    },
    rec,
  )
}

export function createRequestForm(kind: () => FormKind, customerId: () => number, registered: () => RegisteredRecord | null = () => null) {
  const draft = reactive<RequestDraft>(emptyDraft())
  const validation = useFieldValidation(
    () => REQUEST_FORM_SCHEMAS[kind()],
    () => toCandidate(kind(), customerId(), draft),
    () => {
      const e: Record<string, string> = {}
      Object.assign(e, mismatchesOf(draft, registered()))
      const dateProblem = warekiProblem(draft.applicationDate, 'お申込日')
      if (dateProblem) e.applicationDate = dateProblem
      const birthProblem = kind() === 'new_application' ? warekiProblem(draft.birth, '生年月日') : null
      if (birthProblem) e.birthDate = birthProblem
      const applied = warekiToYmd(draft.applicationDate)
      if (applied && applied > japanDate(new Date())) e.applicationDate = 'お申込日に未来の日付は入力できません'
      if (kind() === 'unlock' && draft.fraudSuspected === true) e['verification.fraudSuspected'] = ERROR_MESSAGES.FRAUD_SUSPECTED
      return e
    },
  )
  /** 閉塞解除 with 不正利用の疑い「あり」: no unlock; the branch takes a 利用停止 instead. */
  const fraudSuspected = computed(() => kind() === 'unlock' && draft.fraudSuspected === true)
  /** The checked form with its kind, as the main side takes it (受付 and 再提出). */
  const form = computed<RequestForm | null>(() => {
    const p = validation.parsed.value
    return p ? ({ ...p, kind: kind() } as RequestForm) : null
  })

  function fill(d: RequestDraft): void {
    Object.assign(draft, d)
    validation.reset()
  }

  return { kind, customerId, draft, validation, form, fill, fraudSuspected }
}

export type RequestFormState = ReturnType<typeof createRequestForm>
const KEY: InjectionKey<RequestFormState> = Symbol('request-form')

export function provideRequestForm(s: RequestFormState): void {
  provide(KEY, s)
}

export function useRequestForm(): RequestFormState {
  const s = inject(KEY)
  if (!s) throw new Error('request form state not provided')
  return s
}
