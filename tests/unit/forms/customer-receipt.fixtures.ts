// Sample input for the お客さま控 form, shared by the unit test, the PDF integration test and the bench.

import type { CustomerReceiptData } from '../../../forms/types'
import type { RequestKind } from '../../../shared/status'

/** The full account number; it must never reach the customer's copy. */
export const FULL_ACCOUNT_NUMBER = '7654321'

export function sampleReceipt(overrides: Partial<CustomerReceiptData> = {}): CustomerReceiptData {
  return {
    receiptNo: '001-20261121-0003',
    requestKind: 'new_application',
    businessDate: '2026-11-21',
    receivedAt: '2026-11-21T01:15:03.000Z',
    branch: { code: '001', name: '本店営業部' },
    customer: {
      nameKanji: '山田 太郎',
      nameKana: 'ヤマダ タロウ',
      accountBranchCode: '001',
      accountTypeLabel: '普通',
      accountNumber: FULL_ACCOUNT_NUMBER,
    },
    receivedByName: '窓口 花子',
    reprint: null,
    centreMailDomains: ['@otp-auth.net'],
    ...overrides,
  }
}

/** The longest content the form must still fit on one page. */
export function worstCaseReceipt(requestKind: RequestKind): CustomerReceiptData {
  return sampleReceipt({
    requestKind,
    receiptNo: '999-20261231-9999',
    businessDate: '2026-12-31',
    receivedAt: '2026-12-31T08:59:59.000Z',
    branch: { code: '999', name: '東京都中央区日本橋室町三丁目特別出張所' },
    customer: {
      nameKanji: '勅使河原 右京之介左衛門三郎兵衛',
      nameKana: 'テシガワラ ウキョウノスケサエモンサブロウベエ',
      accountBranchCode: '999',
      accountTypeLabel: '貯蓄',
      accountNumber: '0000001',
    },
    receivedByName: '長谷川 美由紀子',
    reprint: { count: 12 },
    centreMailDomains: ['@otp-auth.net', '@example-shinkumi.co.jp', '@anser.ne.jp'],
    institutionName: '東京みなとみらい信用組合',
    branchPhone: '03-1234-5678',
  })
}
