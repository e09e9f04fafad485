// Paper forms for tests, built from a demo customer's row as the paper would carry it.
import type { EmbeddedAppContext } from '../../electron/main/context'
import type { OpInput } from '../../shared/contract'
import type { OtpStatus } from '../../shared/status'

export interface CustomerRow {
  id: number
  name_kanji: string
  name_kana: string
  birth_date: string
  postal_code: string
  address: string
  phone: string
  account_branch_code: string
  account_type: 'ordinary' | 'current' | 'savings'
  account_number: string
  ib_contract_id: string
  otp_status: OtpStatus
  cancelled_on: string | null
  version: number
  wrong_entry_count: number
}

export function customersIn(ctx: EmbeddedAppContext, status: OtpStatus): CustomerRow[] {
  return ctx.sqlite.prepare('SELECT * FROM customers WHERE otp_status = ? ORDER BY id').all(status) as CustomerRow[]
}

export function customerRow(ctx: EmbeddedAppContext, id: number): CustomerRow {
  return ctx.sqlite.prepare('SELECT * FROM customers WHERE id = ?').get(id) as CustomerRow
}

export function baseForm(c: CustomerRow, applicationDate = '2026-11-21'): OpInput<'requests.receiveCancellation'> {
  return {
    customerId: c.id,
    applicationDate,
    nameKanji: c.name_kanji,
    nameKana: c.name_kana,
    phone: c.phone,
    account: { branchCode: c.account_branch_code, type: c.account_type, number: c.account_number },
    ibContractId: c.ib_contract_id,
    identity: { documentType: 'drivers_license' },
    sealMatched: true,
  }
}

export function newApplicationForm(c: CustomerRow, applicationDate?: string): OpInput<'requests.receiveNewApplication'> {
  return { ...baseForm(c, applicationDate), birthDate: c.birth_date, postalCode: c.postal_code, address: c.address }
}

export function suspensionForm(c: CustomerRow): OpInput<'requests.receiveSuspension'> {
  return { ...baseForm(c), reason: 'lost_or_stolen' }
}

export function unlockForm(c: CustomerRow, over: Partial<{ fraudSuspected: boolean; othersMayHaveTried: boolean }> = {}): OpInput<'requests.receiveUnlock'> {
  return {
    ...baseForm(c),
    verification: {
      idDocumentMatches: true,
      contractHolderConfirmed: true,
      blockAccount: '機種変更後に古いアプリのコードを何度も入力してしまった',
      othersMayHaveTried: false,
      fraudSuspected: false,
      ...over,
    },
  }
}
