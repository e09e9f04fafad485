// What the customer's copies (お客さま控, 処理完了のお知らせ) tell the customer: the wording they share
// and the two sections that carry it, 「今後のお手続き」 and 「ご注意」.

import type { Content, TableCell } from 'pdfmake/interfaces'
import { maskAccountNumber } from '../shared/receipt'
import { section } from './layout'
import type { CustomerReceiptData } from './types'

/** The caution every customer copy carries. */
export const NO_PASSWORD_NOTICE = '当組合の職員がお客さまのパスワードやワンタイムパスワードをお尋ねすることはありません。'

/** A run of text; bold runs are what the customer must not miss; noWrap keeps a date on one line. */
export type Inline = string | { text: string; bold?: boolean; noWrap?: boolean }
/** One numbered step: its runs, printed as one paragraph. */
export type Step = Inline[]

/** The step asking the customer to allow the centre's mail domains; none when there is no domain. */
export function domainStep(domains: readonly string[]): Step[] {
  if (domains.length === 0) return []
  return [
    [
      'スマートフォン・携帯電話で迷惑メール対策をされている場合は、次のドメインからのメールを受信できるよう設定してください。',
      { text: domains.map((d) => `「${d}」`).join('、'), bold: true },
    ],
  ]
}

/** How the customer gets a working token: issue it in internet banking, set up the app, start. */
export const ISSUE_AND_START: Step = [
  'インターネットバンキングにログインして',
  { text: '「トークン発行」', bold: true },
  'を行い、スマートフォンのアプリを設定のうえ「ワンタイムパスワード利用開始」のお手続きをしてください。',
]

/** Numbered steps in a boxed section. */
export function stepsSection(heading: string, steps: Step[], opts: { marginTop?: number } = {}): Content {
  return section(
    heading,
    { ol: steps.map((s) => ({ text: s, margin: [0, 0, 0, 3] })), separator: ['(', ')'], markerColor: '#000000' },
    opts,
  )
}

/** 「ご注意」: the no-password caution in bold, then the form's own points in small print. */
export function cautionSection(marginTop: number, points: string[]): Content {
  return section(
    'ご注意',
    {
      stack: [
        { text: NO_PASSWORD_NOTICE, bold: true },
        { ul: points, margin: [0, 4, 0, 0], style: 'small' },
      ],
    },
    { borderWidth: 1.2, marginTop },
  )
}

/** The first point of every 「ご注意」: what to do when someone asks for a password, with the
 * branch's telephone when the ledger has one (asked for at the first-time setup). */
export const ASKED_FOR_PASSWORD =
  'パスワードやワンタイムパスワードを電話・メール等でお尋ねされた場合は、お答えにならず当組合までご連絡ください。'

export function askedForPassword(issuer: { branchPhone?: string; branch: { name: string } }): string {
  if (!issuer.branchPhone) return ASKED_FOR_PASSWORD
  return `パスワードやワンタイムパスワードを電話・メール等でお尋ねされた場合は、お答えにならず当組合（${issuer.branch.name} TEL ${issuer.branchPhone}）までご連絡ください。`
}

/** 代表口座 on a customer's copy: 店番, 種目 and the number masked to its last 4 digits. */
export function maskedAccountCell(c: CustomerReceiptData['customer']): TableCell {
  return {
    text: [`店番 ${c.accountBranchCode}　　${c.accountTypeLabel}　　`, { text: maskAccountNumber(c.accountNumber), style: 'strong' }],
  }
}
