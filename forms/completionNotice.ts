// 処理完了のお知らせ: handed (or mailed) to the customer once a supervisor approved the request.
// The customer's copy, so the account number is masked to its last 4 digits. A pure function from
// CompletionNoticeData to a pdfmake document definition (A4 portrait, one page): no I/O, no clock.

import type { Column, Content, TableCell, TDocumentDefinitions } from 'pdfmake/interfaces'
import { toWarekiWithSeireki } from '../shared/datetime'
import { BLOCK_AFTER_WRONG_CODES, REQUEST_KIND_LABELS, STATUS_LABELS, type RequestKind } from '../shared/status'
import { askedForPassword, cautionSection, domainStep, ISSUE_AND_START, maskedAccountCell, type Step, stepsSection } from './guidance'
import {
  contentWidth,
  formDocument,
  gridWithPadding,
  headerBand,
  labelCell,
  nameValueCell,
  pageFooter,
  qrStampColumn,
  titleBlock,
} from './layout'
import type { CompletionNoticeData } from './types'

export const COMPLETION_NOTICE_TITLE = 'ワンタイムパスワード　処理完了のお知らせ'

/** What the customer can do now, or must do next, after the request was processed; in the past tense
 * of the bank's side (「…いたしました」). */
export function completedSteps(
  kind: RequestKind,
  data: Pick<CompletionNoticeData, 'centreMailDomains' | 'newApplicationFrom'>,
): Step[] {
  switch (kind) {
    case 'new_application':
      return [
        [
          '当組合での登録手続きが完了いたしましたので、ANSERセンターからお客さまのメールアドレス宛に',
          { text: '「ワンタイムパスワード申請お取扱い開始のご案内」', bold: true },
          'をお送りします。',
        ],
        ['ご案内を受け取られましたら、', ...ISSUE_AND_START],
        ...domainStep(data.centreMailDomains),
      ]
    case 'suspension':
      return [
        [
          'ワンタイムパスワードのご利用を',
          { text: '停止', bold: true },
          'いたしました。停止中は、ワンタイムパスワードによる認証が必要なお取引はご利用いただけません。',
        ],
        [
          'ご利用を再開される場合は、お取引店の窓口に',
          { text: '「利用再開」', bold: true },
          'の依頼書をご提出ください。再開の手続きが完了しましたら、あらためてトークンを発行していただきます。',
        ],
      ]
    case 'resumption':
      return [
        ['ワンタイムパスワードの', { text: 'ご利用再開（トークン再発行）', bold: true }, 'の手続きが完了いたしました。'],
        ISSUE_AND_START,
        ...domainStep(data.centreMailDomains),
      ]
    case 'restriction_release':
      return [
        ['トークン発行回数超過による', { text: '発行規制を解除', bold: true }, 'いたしました。トークンを発行できます。'],
        ISSUE_AND_START,
        ...domainStep(data.centreMailDomains),
      ]
    case 'cancellation': {
      const from = data.newApplicationFrom ? `${toWarekiWithSeireki(data.newApplicationFrom)}以降` : 'ご利用解除日の翌日以降'
      return [
        ['ワンタイムパスワードのご利用を', { text: '解除', bold: true }, 'いたしました。'],
        [
          '新しいトークンの発行・ワンタイムパスワードのお申込みは、',
          { text: from, bold: true, noWrap: true },
          'となります。再度ご利用になる場合は、その日以降にお取引店の窓口であらためてお申込みください。',
        ],
      ]
    }
    case 'unlock':
      return [
        [
          'ワンタイムパスワードの閉塞を解除いたしました。',
          { text: 'ワンタイムパスワードを再びご利用いただけます', bold: true },
          '。',
        ],
        [
          `ワンタイムパスワードを連続して${BLOCK_AFTER_WRONG_CODES}回以上間違えると、再び認証が停止（閉塞）しますのでご注意ください。`,
        ],
      ]
  }
}

function detailsTable(data: CompletionNoticeData): Column {
  const rows: TableCell[][] = [
    [labelCell('お手続きの種類'), { text: REQUEST_KIND_LABELS[data.requestKind], style: 'kind' }],
    [labelCell('受付番号'), { text: data.receiptNo, style: 'strong' }],
    [labelCell('受付日'), { text: toWarekiWithSeireki(data.businessDate) }],
    [labelCell('処理完了日'), { text: toWarekiWithSeireki(data.completedOn), bold: true }],
    [labelCell('お取引店'), { text: `${data.branch.name}（店番 ${data.branch.code}）` }],
    [labelCell('代表口座'), maskedAccountCell(data.customer)],
    [
      labelCell('登録状況'),
      { text: [{ text: STATUS_LABELS[data.resultStatus], style: 'strong' }, { text: '（お手続き後）', style: 'sub' }] },
    ],
  ]
  return { width: '*', table: { widths: [84, '*'], body: rows }, layout: gridWithPadding(8, 3) }
}

/** The addressee (フリガナ over the name, 様) on the left, the date of the notice on the right. */
function letterHead(data: CompletionNoticeData): Content {
  return {
    columns: [
      { width: '*', ...nameValueCell(data.customer.nameKana, data.customer.nameKanji, true) },
      { width: 'auto', text: toWarekiWithSeireki(data.completedOn), margin: [0, 14, 0, 0] },
    ],
    columnGap: 12,
    margin: [0, 8, 0, 4],
  }
}

export function completionNoticeDefinition(data: CompletionNoticeData): TDocumentDefinitions {
  const kindLabel = REQUEST_KIND_LABELS[data.requestKind]

  const content: Content[] = [
    headerBand('お客さま控', data.reprint),
    ...titleBlock(COMPLETION_NOTICE_TITLE, contentWidth('portrait')),
    letterHead(data),
    { text: `このたびの「${kindLabel}」のお手続きが完了いたしましたので、下記のとおりお知らせいたします。`, margin: [0, 0, 0, 8] },
    {
      columns: [
        detailsTable(data),
        qrStampColumn(data.receiptNo, '取扱店印'),
      ],
      columnGap: 14,
    },
    stepsSection('今後のご利用について', completedSteps(data.requestKind, data), { marginTop: 10 }),
    cautionSection(10, [
      askedForPassword(data),
      'お心当たりのないお手続きの場合は、至急お取引店までご連絡ください。',
      'このお知らせは大切に保管してください。',
    ]),
  ]

  return formDocument({
    title: `${COMPLETION_NOTICE_TITLE}（${kindLabel}）${data.receiptNo}`,
    subject: `${kindLabel} 処理完了 受付番号 ${data.receiptNo}`,
    issuer: data,
    reprint: data.reprint,
    createdAt: data.completedAt,
    content,
    footer: pageFooter(data, 'portrait'),
  })
}
