// Sample input for the 処理完了のお知らせ, shared by the unit test, the PDF integration test and the bench.

import type { CompletionNoticeData } from '../../../forms/types'
import { REQUEST_TRANSITIONS, type RequestKind } from '../../../shared/status'
import { FULL_ACCOUNT_NUMBER, sampleReceipt, worstCaseReceipt } from './customer-receipt.fixtures'

export { FULL_ACCOUNT_NUMBER }

/** A request received on 2026-11-21 and approved the same day; a 解除 allows a new one from the 22nd. */
export function sampleNotice(requestKind: RequestKind = 'new_application', overrides: Partial<CompletionNoticeData> = {}): CompletionNoticeData {
  return {
    receiptNo: '001-20261121-0003',
    requestKind,
    businessDate: '2026-11-21',
    completedOn: '2026-11-21',
    completedAt: '2026-11-21T05:42:10.000Z',
    branch: { code: '001', name: '本店営業部' },
    customer: sampleReceipt().customer,
    resultStatus: REQUEST_TRANSITIONS[requestKind].to,
    newApplicationFrom: requestKind === 'cancellation' ? '2026-11-22' : null,
    centreMailDomains: ['@otp-auth.net'],
    reprint: null,
    ...overrides,
  }
}

/** The longest content the notice must still fit on one page: the お客さま控's worst case, approved
 * the next business day, on the 12th reprint. */
export function worstCaseNotice(requestKind: RequestKind): CompletionNoticeData {
  const r = worstCaseReceipt(requestKind)
  return sampleNotice(requestKind, {
    receiptNo: r.receiptNo,
    businessDate: r.businessDate,
    completedOn: '2027-01-04',
    completedAt: '2027-01-04T08:59:59.000Z',
    branch: r.branch,
    customer: r.customer,
    newApplicationFrom: requestKind === 'cancellation' ? '2027-01-05' : null,
    centreMailDomains: r.centreMailDomains,
    reprint: r.reprint,
    institutionName: r.institutionName,
    branchPhone: r.branchPhone,
  })
}
