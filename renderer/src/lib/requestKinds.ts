// The paper requests this version registers with a form (依頼書), their titles and what they lead
// to. 閉塞解除 is one of them, with its verification checklist and its approval by 役席認証.
import { REQUEST_FORM_SCHEMAS, type FormKind } from '../../../shared/schemas'
import { REQUEST_TRANSITIONS, type RequestKind } from '../../../shared/status'

export const FORM_KINDS = Object.keys(REQUEST_FORM_SCHEMAS) as FormKind[]

export function isFormKind(k: unknown): k is FormKind {
  return typeof k === 'string' && (FORM_KINDS as string[]).includes(k)
}

/** The paper's name, as the page title shows it. */
export const FORM_TITLES: Record<FormKind, string> = {
  new_application: '新規申込（ワンタイムパスワード申込書）',
  suspension: '利用停止（ワンタイムパスワード利用停止依頼書）',
  resumption: '利用再開／トークン再発行（ワンタイムパスワード利用再開依頼書）',
  cancellation: 'ご利用解除（ワンタイムパスワードご利用解除依頼書）',
  restriction_release: '発行規制解除（トークン発行規制解除依頼書）',
  unlock: '閉塞解除（ワンタイムパスワード閉塞解除依頼書）',
}

/** The status the request leads to once a supervisor approves it. */
export const resultStatusOf = (k: RequestKind) => REQUEST_TRANSITIONS[k].to
