// お客さま控: the receipt the teller hands the customer when a paper OTP request is received.
// A pure function from CustomerReceiptData to a pdfmake document definition (A4 portrait, one page):
// no I/O and no clock; every date comes in the data. Render it with renderPdf (render.ts).

import type { Column, Content, TableCell, TDocumentDefinitions } from 'pdfmake/interfaces'
import { formatJapanDateTime, toWarekiWithSeireki } from '../shared/datetime'
import { maskAccountNumber } from '../shared/receipt'
import { REQUEST_KIND_LABELS, type RequestKind } from '../shared/status'
import { askedForPassword, cautionSection, domainStep, ISSUE_AND_START, maskedAccountCell, type Step, stepsSection } from './guidance'
import {
  contentWidth,
  formDocument,
  gridLayout,
  headerBand,
  labelCell,
  nameLabelCell,
  nameValueCell,
  pageFooter,
  qrStampColumn,
  titleBlock,
} from './layout'
import type { CustomerReceiptData } from './types'

export const CUSTOMER_RECEIPT_TITLE = 'ワンタイムパスワード　お客さま控'

export { NO_PASSWORD_NOTICE } from './guidance'

export { maskAccountNumber }

export { toWarekiWithSeireki as warekiWithSeireki }

// ---- what happens next, by request kind -------------------------------------------------------

/** The 「今後のお手続き」 steps for a request kind. */
export function nextSteps(kind: RequestKind, centreMailDomains: readonly string[]): Step[] {
  switch (kind) {
    case 'new_application':
      return [
        [
          '当組合での登録手続きが完了しますと、ANSERセンターからお客さまのメールアドレス宛に',
          { text: '「ワンタイムパスワード申請お取扱い開始のご案内」', bold: true },
          'をお送りします。',
        ],
        ['ご案内を受け取られましたら、', ...ISSUE_AND_START],
        ...domainStep(centreMailDomains),
      ]
    case 'suspension':
      return [
        ['当組合での手続きが完了しますと、ワンタイムパスワードのご利用は', { text: '停止', bold: true }, 'となります。'],
        [
          'ご利用を再開される場合は、お取引店の窓口に',
          { text: '「利用再開」', bold: true },
          'の依頼書をご提出ください。再開の手続き後、あらためてトークンを発行していただきます。',
        ],
      ]
    case 'resumption':
      return [
        ['当組合での手続きが完了しますと、トークンを', { text: '再発行', bold: true }, 'できるようになります。'],
        ['手続き完了後、', ...ISSUE_AND_START],
        ...domainStep(centreMailDomains),
      ]
    case 'cancellation':
      return [
        ['当組合での手続きが完了しますと、ワンタイムパスワードのご利用は', { text: '解除', bold: true }, 'されます。'],
        [
          '新しいトークンの発行は、ご利用解除の',
          { text: '翌日以降', bold: true },
          'となります。再度ご利用になる場合は、翌日以降にあらためてお申込みください。',
        ],
      ]
    case 'unlock':
      return [
        [
          '当組合での手続き（閉塞の解除）が完了しますと、',
          { text: 'ワンタイムパスワードを再びご利用いただけます', bold: true },
          '。',
        ],
        ['ワンタイムパスワードを連続して10回以上間違えると、再び認証が停止（閉塞）しますのでご注意ください。'],
      ]
    case 'restriction_release':
      return [
        [
          '当組合での手続きが完了しますと、トークン発行回数超過による',
          { text: '発行規制が解除', bold: true },
          'され、トークンを発行できるようになります。',
        ],
        ['手続き完了後、', ...ISSUE_AND_START],
        ...domainStep(centreMailDomains),
      ]
  }
}

// ---- building blocks ----------------------------------------------------------------------------

function detailsTable(data: CustomerReceiptData): Column {
  const c = data.customer
  const rows: TableCell[][] = [
    [labelCell('お手続きの種類'), { text: REQUEST_KIND_LABELS[data.requestKind], style: 'kind' }],
    [labelCell('受付番号'), { text: data.receiptNo, style: 'strong' }],
    [
      labelCell('受付日'),
      {
        stack: [
          { text: toWarekiWithSeireki(data.businessDate) },
          { text: `受付日時　${formatJapanDateTime(data.receivedAt)}`, style: 'sub' },
        ],
      },
    ],
    [labelCell('受付店'), { text: `${data.branch.name}（店番 ${data.branch.code}）` }],
    [nameLabelCell(), nameValueCell(c.nameKana, c.nameKanji, true)],
    [labelCell('代表口座'), maskedAccountCell(c)],
    [labelCell('受付者'), { text: data.receivedByName }],
  ]
  return { width: '*', table: { widths: [84, '*'], body: rows }, layout: gridLayout }
}

// ---- the form -----------------------------------------------------------------------------------

export function customerReceiptDefinition(data: CustomerReceiptData): TDocumentDefinitions {
  const kindLabel = REQUEST_KIND_LABELS[data.requestKind]

  const content: Content[] = [
    headerBand('お客さま控', data.reprint),
    ...titleBlock(CUSTOMER_RECEIPT_TITLE, contentWidth('portrait')),
    {
      columns: [
        { width: '*', text: `下記のとおり「${kindLabel}」のお申し出を受け付けました。` },
        { width: 'auto', text: toWarekiWithSeireki(data.businessDate), alignment: 'right' },
      ],
      margin: [0, 16, 0, 8],
    },
    { columns: [detailsTable(data), qrStampColumn(data.receiptNo, '受付印')], columnGap: 14 },
    stepsSection('今後のお手続き', nextSteps(data.requestKind, data.centreMailDomains)),
    cautionSection(14, [
      askedForPassword(data),
      'お手続きの完了までに数日かかる場合があります。お問い合わせの際は受付番号をお知らせください。',
      'この控えは大切に保管してください。',
    ]),
  ]

  return formDocument({
    title: `${CUSTOMER_RECEIPT_TITLE}（${kindLabel}）${data.receiptNo}`,
    subject: `${kindLabel} 受付番号 ${data.receiptNo}`,
    issuer: data,
    reprint: data.reprint,
    createdAt: data.receivedAt,
    content,
    footer: pageFooter(data, 'portrait'),
  })
}
