// Sample input for the 取扱記録票, shared by the unit test, the PDF integration test and the bench.

import type { HandlingRecordData } from '../../../forms/types'
import type { RequestForm } from '../../../shared/schemas'
import { REQUEST_TRANSITIONS, type RequestKind } from '../../../shared/status'
import { FULL_ACCOUNT_NUMBER, sampleReceipt } from './customer-receipt.fixtures'

export { FULL_ACCOUNT_NUMBER }
export const IB_CONTRACT_ID = '1234509876'
export const BLOCK_ACCOUNT = '旅行先で古いスマートフォンのアプリに何度か入力したところ、利用できなくなったとのこと。'

/** What every paper form carries, as stored (normalised). */
function baseForm() {
  return {
    customerId: 42,
    applicationDate: '2026-11-21',
    nameKanji: '山田 太郎',
    nameKana: 'ヤマダ タロウ',
    phone: '090-1234-5678',
    account: { branchCode: '001', type: 'ordinary' as const, number: FULL_ACCOUNT_NUMBER },
    ibContractId: IB_CONTRACT_ID,
    identity: { documentType: 'drivers_license' as const, secondDocumentType: null },
    sealMatched: true as const,
  }
}

/** The paper form of each kind with typical answers. */
export function sampleForm(kind: RequestKind): RequestForm {
  const base = baseForm()
  switch (kind) {
    case 'new_application':
      return { kind, ...base, birthDate: '1980-04-01', postalCode: '100-0001', address: '東京都千代田区千代田1-1' }
    case 'suspension':
      return { kind, ...base, reason: 'lost_or_stolen' }
    case 'unlock':
      return {
        kind,
        ...base,
        verification: {
          idDocumentMatches: true,
          contractHolderConfirmed: true,
          blockAccount: BLOCK_ACCOUNT,
          othersMayHaveTried: false,
          fraudSuspected: false,
        },
      }
    default:
      return { kind, ...base }
  }
}

/** An approved request with its trail: received at 10:15, approved at 14:42 (Japan time). */
export function sampleRecord(kind: RequestKind = 'unlock', overrides: Partial<HandlingRecordData> = {}): HandlingRecordData {
  return {
    receiptNo: '001-20261121-0003',
    requestKind: kind,
    state: 'approved',
    businessDate: '2026-11-21',
    receivedAt: '2026-11-21T01:15:03.000Z',
    branch: { code: '001', name: '本店営業部' },
    customer: { ...sampleReceipt().customer, ibContractId: IB_CONTRACT_ID },
    form: sampleForm(kind),
    statusAtReceipt: REQUEST_TRANSITIONS[kind].from[0]!,
    resultStatus: REQUEST_TRANSITIONS[kind].to,
    identity: { documentLabel: '運転免許証', secondDocumentLabel: null, checkedByName: '窓口 花子' },
    sealMatched: true,
    repeatUnlock:
      kind === 'unlock' ? { count: 1, lastApprovedAt: '2026-11-02T06:10:00.000Z', days: 30, acknowledged: true } : null,
    receivedBy: { name: '窓口 花子', at: '2026-11-21T01:15:03.000Z' },
    reviewedBy: { name: '検印 一郎', at: '2026-11-21T05:42:10.000Z' },
    returnReason: null,
    withdrawReason: null,
    trail: [
      { at: '2026-11-21T01:15:03.000Z', label: '受付', actorName: '窓口 花子', note: '受付（検印待ち）' },
      {
        at: '2026-11-21T05:42:10.000Z',
        label: '検印・承認',
        actorName: '検印 一郎',
        note: kind === 'unlock' ? '役席認証により承認（端末操作：窓口 花子）' : '検印・承認',
      },
    ],
    printedAt: '2026-11-21T06:30:00.000Z',
    printedByName: '窓口 花子',
    reprint: null,
    ...overrides,
  }
}

const LONG_200 = '依頼書の記載内容と届出内容の照合に時間を要したため、お客さまには後日あらためてご来店いただくようご案内した。'.repeat(4).slice(0, 200)

/** The longest content the record must still fit on two pages: every text field at its maximum,
 * returned twice (the reasons in the trail), resubmitted, then withdrawn, on the 12th reprint. Main
 * passes the 差戻し理由 only while the request stands returned, so a withdrawn one has only the
 * 取消理由. */
export function worstCaseRecord(kind: RequestKind = 'unlock'): HandlingRecordData {
  const base = sampleRecord(kind)
  const form = { ...base.form, nameKanji: '勅使河原 右京之介左衛門三郎兵衛', nameKana: 'テシガワラ ウキョウノスケサエモンサブロウベエ', remarks: LONG_200 }
  if (form.kind === 'unlock')
    form.verification = {
      ...form.verification,
      blockAccount: BLOCK_ACCOUNT.repeat(10).slice(0, 400),
      othersMayHaveTried: true,
      fraudSuspected: false,
    }
  if (form.kind === 'new_application') form.address = '東京都中央区日本橋室町三丁目二番一号　日本橋室町三井タワー二十九階'.repeat(4).slice(0, 200)
  if (form.kind === 'suspension') Object.assign(form, { reason: 'other', reasonText: LONG_200 })
  return sampleRecord(kind, {
    receiptNo: '999-20261231-9999',
    state: 'withdrawn',
    businessDate: '2026-12-31',
    receivedAt: '2026-12-31T08:59:59.000Z',
    branch: { code: '999', name: '東京都中央区日本橋室町三丁目特別出張所' },
    institutionName: '東京みなとみらい信用組合',
    branchPhone: '03-1234-5678',
    customer: { ...base.customer, nameKanji: form.nameKanji, nameKana: form.nameKana, accountBranchCode: '999', accountTypeLabel: '貯蓄' },
    form: { ...form, account: { branchCode: '999', type: 'savings', number: FULL_ACCOUNT_NUMBER } } as typeof form,
    identity: { documentLabel: '健康保険証＋補助書類', secondDocumentLabel: '公共料金の領収書', checkedByName: '長谷川 美由紀子' },
    repeatUnlock: kind === 'unlock' ? { count: 4, lastApprovedAt: '2026-12-30T07:00:00.000Z', days: 366, acknowledged: null } : null,
    receivedBy: { name: '長谷川 美由紀子', at: '2026-12-31T08:59:59.000Z' },
    reviewedBy: null,
    returnReason: null,
    withdrawReason: LONG_200,
    trail: [
      { at: '2026-12-31T08:59:59.000Z', label: '受付', actorName: '長谷川 美由紀子', note: '受付（検印待ち）' },
      { at: '2026-12-31T09:20:00.000Z', label: '差戻し', actorName: '勅使河原 右京之介', note: LONG_200 },
      { at: '2026-12-31T09:40:00.000Z', label: '再提出', actorName: '長谷川 美由紀子', note: '訂正して再提出（検印待ち）' },
      { at: '2026-12-31T09:55:00.000Z', label: '差戻し', actorName: '勅使河原 右京之介', note: LONG_200 },
      { at: '2026-12-31T10:10:00.000Z', label: '再提出', actorName: '長谷川 美由紀子', note: '訂正して再提出（検印待ち）' },
      { at: '2026-12-31T10:30:00.000Z', label: '取消', actorName: '長谷川 美由紀子', note: LONG_200 },
    ],
    printedAt: '2026-12-31T11:00:00.000Z',
    printedByName: '長谷川 美由紀子',
    reprint: { count: 12 },
  })
}
