// OTP registration status (登録状況) and the paper requests (依頼種別) that move it.
import { addDays, toWareki } from './datetime'

// This table is the single source both the UI (to offer only allowed requests) and the
// main-process services (to refuse the others) read. Tests write the expected transitions
// out by hand instead of reading this table.

export const OTP_STATUSES = [
  'unregistered', // 未登録
  'awaiting_issue', // 発行待ち (取扱開始)
  'token_issued', // トークン発行済
  'in_use', // サービス利用中
  'blocked', // 閉塞
  'suspended', // 利用停止
  'issuance_restricted', // 発行規制
  'cancelled', // 解除済
] as const
export type OtpStatus = (typeof OTP_STATUSES)[number]

export const STATUS_LABELS: Record<OtpStatus, string> = {
  unregistered: '未登録',
  awaiting_issue: '発行待ち',
  token_issued: 'トークン発行済',
  in_use: 'サービス利用中',
  blocked: '閉塞',
  suspended: '利用停止',
  issuance_restricted: '発行規制',
  cancelled: '解除済',
}

export const REQUEST_KINDS = [
  'new_application', // 新規申込 (ワンタイムパスワード申込書)
  'suspension', // 利用停止
  'resumption', // 利用再開 / トークン再発行
  'cancellation', // ご利用解除
  'unlock', // 閉塞解除
  'restriction_release', // 発行規制解除
] as const
export type RequestKind = (typeof REQUEST_KINDS)[number]

export const REQUEST_KIND_LABELS: Record<RequestKind, string> = {
  new_application: '新規申込',
  suspension: '利用停止',
  resumption: '利用再開／トークン再発行',
  cancellation: 'ご利用解除',
  unlock: '閉塞解除',
  restriction_release: '発行規制解除',
}

/** Request kinds whose forms exist in this version of the app. */
export const IMPLEMENTED_REQUEST_KINDS: readonly RequestKind[] = [
  'new_application',
  'suspension',
  'resumption',
  'cancellation',
  'restriction_release',
  'unlock',
]

const REGISTERED: OtpStatus[] = [
  'awaiting_issue',
  'token_issued',
  'in_use',
  'blocked',
  'suspended',
  'issuance_restricted',
]

/** From which statuses a request may be received, and the status it leads to once approved. */
export const REQUEST_TRANSITIONS: Record<RequestKind, { from: readonly OtpStatus[]; to: OtpStatus }> = {
  new_application: { from: ['unregistered', 'cancelled'], to: 'awaiting_issue' },
  suspension: { from: ['awaiting_issue', 'token_issued', 'in_use', 'blocked'], to: 'suspended' },
  resumption: { from: ['suspended'], to: 'awaiting_issue' },
  cancellation: { from: REGISTERED, to: 'cancelled' },
  unlock: { from: ['blocked'], to: 'in_use' },
  restriction_release: { from: ['issuance_restricted'], to: 'awaiting_issue' },
}

/** superseded (失効): closed because an urgent 利用停止 of the same customer was received. */
export const REQUEST_STATES = ['pending_review', 'approved', 'returned', 'withdrawn', 'superseded'] as const
export type RequestState = (typeof REQUEST_STATES)[number]
export const REQUEST_STATE_LABELS: Record<RequestState, string> = {
  pending_review: '検印待ち',
  approved: '承認',
  returned: '差戻し',
  withdrawn: '取消',
  superseded: '失効（緊急停止）',
}
/** Open requests: one per customer at a time. */
export const OPEN_REQUEST_STATES: readonly RequestState[] = ['pending_review', 'returned']

export function isRequestAllowed(kind: RequestKind, status: OtpStatus): boolean {
  return REQUEST_TRANSITIONS[kind].from.includes(status)
}

export interface RequestBlock {
  code: 'REQUEST_NOT_ALLOWED' | 'NEXT_DAY_RULE'
  message: string
}

/**
 * Why a request cannot be received now, or null if it can: the status table, then the rule that
 * after a ご利用解除 a new application is accepted only from the next day (Japan time; seeds 000,
 * 001: 翌日以降). Both the services (to refuse) and the customer screen (to offer) use it.
 */
export function requestBlock(
  kind: RequestKind,
  status: OtpStatus,
  cancelledOn: string | null,
  today: string,
): RequestBlock | null {
  if (!isRequestAllowed(kind, status))
    return {
      code: 'REQUEST_NOT_ALLOWED',
      message: `登録状況が「${STATUS_LABELS[status]}」のため、「${REQUEST_KIND_LABELS[kind]}」は受け付けられません。`,
    }
  if (kind === 'new_application' && status === 'cancelled' && cancelledOn && today <= cancelledOn)
    return {
      code: 'NEXT_DAY_RULE',
      message: `ご利用解除日（${toWareki(cancelledOn)}）の当日のため、新規申込は受け付けられません。${toWareki(addDays(cancelledOn, 1))}以降に受け付けできます。`,
    }
  return null
}

/** Events the branch records from the centre or the customer's report (not paper requests). They
 * change the status at once: they record what already happened at the centre. */
export const EVENT_KINDS = [
  'token_issued', // トークン発行
  'use_started', // ワンタイムパスワード利用開始
  'blocked', // 閉塞 (10回以上連続の誤入力)
  'issuance_restricted', // トークン発行規制 (発行回数超過)
] as const
export type EventKind = (typeof EVENT_KINDS)[number]

export const EVENT_KIND_LABELS: Record<EventKind, string> = {
  token_issued: 'トークン発行',
  use_started: '利用開始',
  blocked: '閉塞（10回連続誤入力）',
  issuance_restricted: '発行規制（発行回数超過）',
}

export const EVENT_TRANSITIONS: Record<EventKind, { from: readonly OtpStatus[]; to: OtpStatus }> = {
  token_issued: { from: ['awaiting_issue'], to: 'token_issued' },
  use_started: { from: ['token_issued'], to: 'in_use' },
  blocked: { from: ['in_use'], to: 'blocked' },
  issuance_restricted: { from: ['awaiting_issue', 'token_issued'], to: 'issuance_restricted' },
}

/** Sources a member of staff may choose when recording an event by hand. */
export const EVENT_SOURCES = ['centre', 'customer', 'bank_system'] as const
/** ... and 'centre_feed': the IB centre's status list, read by the import (センター連携). */
export type EventSource = (typeof EVENT_SOURCES)[number] | 'centre_feed'
export const EVENT_SOURCE_LABELS: Record<EventSource, string> = {
  centre: 'センターからの連絡',
  customer: 'お客さまの申出',
  bank_system: '当組合の管理画面で確認',
  centre_feed: 'センター連携',
}

/** Wrong codes in a row that block the OTP (seed 002: 10回以上連続). */
export const BLOCK_AFTER_WRONG_CODES = 10

export function eventBlock(kind: EventKind, status: OtpStatus): RequestBlock | null {
  if (EVENT_TRANSITIONS[kind].from.includes(status)) return null
  return {
    code: 'REQUEST_NOT_ALLOWED',
    message: `登録状況が「${STATUS_LABELS[status]}」のため、「${EVENT_KIND_LABELS[kind]}」は記録できません。`,
  }
}

/** 利用停止の理由 (paper form tick boxes). */
export const SUSPENSION_REASONS = ['lost_or_stolen', 'broken', 'blocked', 'forgot_cancellation', 'suspected_fraud', 'other'] as const
export type SuspensionReason = (typeof SUSPENSION_REASONS)[number]
/** 緊急停止: a 利用停止 for these reasons takes effect when the teller records it; the supervisor's
 * 検印 follows (事後検印). The hours until a check are when fraud happens. */
export const URGENT_SUSPENSION_REASONS: readonly SuspensionReason[] = ['lost_or_stolen', 'suspected_fraud']
export const isUrgentSuspension = (reason: SuspensionReason): boolean => URGENT_SUSPENSION_REASONS.includes(reason)
export const SUSPENSION_REASON_LABELS: Record<SuspensionReason, string> = {
  lost_or_stolen: '紛失・盗難',
  broken: '故障',
  blocked: '閉塞',
  forgot_cancellation: '機種変更で解除忘れ',
  suspected_fraud: '不正利用の疑い',
  other: 'その他',
}

/** Which request forms can be printed in a request state: the お客さま控 for anything not withdrawn,
 * the 処理完了のお知らせ only once approved, the bank's 取扱記録票 always. */
export function formAvailable(form: 'customer_receipt' | 'completion_notice' | 'handling_record', state: RequestState): boolean {
  switch (form) {
    case 'customer_receipt':
      return state !== 'withdrawn'
    case 'completion_notice':
      return state === 'approved'
    case 'handling_record':
      return true
  }
}
