import { describe, expect, it } from 'vitest'
import { customerSearchSchema, fieldErrors, newApplicationSchema, newPasswordSchema } from '../../shared/schemas'

const valid = {
  customerId: 1,
  applicationDate: '2026-11-21',
  nameKanji: '田中 花子',
  nameKana: 'ﾀﾅｶ ﾊﾅｺ',
  birthDate: '1975-04-01',
  postalCode: '０１００００１',
  address: '秋田県秋田市中通二丁目1-1',
  phone: '０１８－８６２－１２３４',
  account: { branchCode: '００１', type: 'ordinary', number: '１０００００１' },
  ibContractId: '2000000001',
  identity: { documentType: 'drivers_license' },
  sealMatched: true,
}

describe('新規申込 form', () => {
  it('accepts a correct paper form and stores one normal form', () => {
    const r = newApplicationSchema.parse(valid)
    expect(r.nameKana).toBe('タナカ\u3000ハナコ')
    expect(r.postalCode).toBe('010-0001')
    expect(r.phone).toBe('018-862-1234')
    expect(r.account).toEqual({ branchCode: '001', type: 'ordinary', number: '1000001' })
  })

  it('words every problem in Japanese, field by field', () => {
    const r = newApplicationSchema.safeParse({
      ...valid,
      nameKana: '田中',
      account: { branchCode: '1', type: 'x', number: '12' },
      birthDate: '1975-02-30',
      sealMatched: false,
      identity: { documentType: 'qualification_certificate' },
    })
    expect(r.success).toBe(false)
    const f = fieldErrors(r.error!)
    expect(f['nameKana']).toBe('フリガナはカタカナで入力してください')
    expect(f['account.branchCode']).toBe('店番は数字3桁で入力してください')
    expect(f['account.number']).toBe('口座番号は数字7桁で入力してください')
    expect(f['account.type']).toBe('預金種目を選択してください')
    expect(f['birthDate']).toBe('生年月日を正しい日付で入力してください')
    expect(f['sealMatched']).toBe('届出印の照合を確認してください')
    expect(f['identity.secondDocumentType']).toBe('資格確認書の場合は補助書類を選択してください')
  })

  it('has no field for any customer password or OTP code, and refuses one sent anyway', () => {
    for (const key of Object.keys(newApplicationSchema.shape)) expect(key).not.toMatch(/password|passcode|otp|^pin$/i)
    const r = newApplicationSchema.strict().safeParse({ ...valid, startPassword: '1234' })
    expect(r.success).toBe(false)
  })
})

describe('customer search', () => {
  it('needs at least one key and the branch with an account number', () => {
    expect(customerSearchSchema.safeParse({}).success).toBe(false)
    const r = customerSearchSchema.safeParse({ accountNumber: '1000001' })
    expect(r.success).toBe(false)
    expect(fieldErrors(r.error!)['branchCode']).toBe('口座番号で探すときは店番も入力してください')
    expect(customerSearchSchema.parse({ kana: 'たなか' }).kana).toBe('タナカ')
    const ib = customerSearchSchema.safeParse({ ibContractId: '200000' })
    expect(fieldErrors(ib.error!)['ibContractId']).toBe('IB契約者IDは数字10桁で入力してください')
    expect(customerSearchSchema.parse({ ibContractId: '２０００００００01' }).ibContractId).toBe('2000000001')
  })
})

describe('staff passwords', () => {
  it('need ten characters with letters and digits', () => {
    expect(newPasswordSchema.safeParse('short1').success).toBe(false)
    expect(newPasswordSchema.safeParse('onlyletterslong').success).toBe(false)
    expect(newPasswordSchema.safeParse('letters-and-1234').success).toBe(true)
  })
})
