// お客さま控: the receipt the teller hands the customer when a paper OTP request is received.
// A pure function from CustomerReceiptData to a pdfmake document definition (A4 portrait, one page):
// no I/O and no clock; every date comes in the data. Render it with renderPdf (render.ts).

import type { Column, Content, CustomTableLayout, TableCell, TDocumentDefinitions } from 'pdfmake/interfaces'
import { formatJapanDateTime, toWarekiWithSeireki } from '../shared/datetime'
import { maskAccountNumber } from '../shared/receipt'
import { REQUEST_KIND_LABELS, type RequestKind } from '../shared/status'
import { JP_FONT_FAMILY } from './fonts'
import type { CustomerReceiptData } from './types'

export const CUSTOMER_RECEIPT_TITLE = 'ワンタイムパスワード　お客さま控'

/** The caution every customer copy carries. */
export const NO_PASSWORD_NOTICE = '当組合の職員がお客さまのパスワードやワンタイムパスワードをお尋ねすることはありません。'

export { maskAccountNumber }

export { toWarekiWithSeireki as warekiWithSeireki }

// ---- layout constants -------------------------------------------------------------------------

const A4_WIDTH = 595.28
const PAGE_MARGIN_X = 50
const LINE_COLOR = '#333333'
const LABEL_FILL = '#ececec'
const HEADING_FILL = '#d9d9d9'

const gridLayout: CustomTableLayout = {
  hLineWidth: () => 0.7,
  vLineWidth: () => 0.7,
  hLineColor: () => LINE_COLOR,
  vLineColor: () => LINE_COLOR,
  paddingLeft: () => 8,
  paddingRight: () => 8,
  paddingTop: () => 4,
  paddingBottom: () => 4,
}

// ---- what happens next, by request kind -------------------------------------------------------

type Inline = string | { text: string; bold?: boolean }
type Step = Inline[]

function domainStep(domains: readonly string[]): Step[] {
  if (domains.length === 0) return []
  return [
    [
      'スマートフォン・携帯電話で迷惑メール対策をされている場合は、次のドメインからのメールを受信できるよう設定してください。',
      { text: domains.map((d) => `「${d}」`).join('、'), bold: true },
    ],
  ]
}

const ISSUE_AND_START: Step = [
  'インターネットバンキングにログインして',
  { text: '「トークン発行」', bold: true },
  'を行い、スマートフォンのアプリを設定のうえ「ワンタイムパスワード利用開始」のお手続きをしてください。',
]

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

function labelCell(text: string): TableCell {
  return { text, style: 'label', fillColor: LABEL_FILL, verticalAlignment: 'middle' }
}

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
    [
      { stack: [{ text: 'フリガナ', style: 'sub' }, { text: 'お名前' }], style: 'label', fillColor: LABEL_FILL },
      {
        stack: [
          { text: c.nameKana, style: 'kana' },
          { text: [{ text: c.nameKanji, style: 'name' }, { text: '　様' }] },
        ],
      },
    ],
    [
      labelCell('代表口座'),
      {
        text: [
          `店番 ${c.accountBranchCode}　　${c.accountTypeLabel}　　`,
          { text: maskAccountNumber(c.accountNumber), style: 'strong' },
        ],
      },
    ],
    [labelCell('受付者'), { text: data.receivedByName }],
  ]
  return { width: '*', table: { widths: [84, '*'], body: rows }, layout: gridLayout }
}

/** QR code of the receipt number, and the box for the branch's reception stamp (受付印). */
function sideBlock(receiptNo: string): Column {
  const w = 100
  return {
    width: w,
    stack: [
      {
        table: {
          widths: ['*'],
          // Quiet zone of about four modules inside the frame so phone scanners find the code.
          body: [[{ qr: receiptNo, fit: 70, eccLevel: 'M', alignment: 'center', margin: [0, 6, 0, 2] }]],
        },
        layout: gridLayout,
      },
      { text: '受付番号', style: 'sub', alignment: 'center', margin: [0, 2, 0, 8] },
      {
        table: {
          widths: ['*'],
          heights: [14, 70],
          body: [[{ text: '受付印', style: 'sub', alignment: 'center', fillColor: LABEL_FILL }], [{ text: '' }]],
        },
        layout: { ...gridLayout, paddingTop: () => 1, paddingBottom: () => 1 },
      },
    ],
  }
}

function headerBand(data: CustomerReceiptData): Content {
  const right: Column = data.reprint
    ? {
        width: 150,
        table: {
          widths: ['*'],
          body: [[{ text: `再発行（${data.reprint.count}回目）`, style: 'reprint', alignment: 'center' }]],
        },
        layout: {
          hLineWidth: () => 1.6,
          vLineWidth: () => 1.6,
          paddingTop: () => 2,
          paddingBottom: () => 2,
        },
      }
    : { width: 150, text: '' }
  return {
    columns: [
      {
        width: '*',
        stack: [
          {
            table: { body: [[{ text: 'お客さま控', style: 'tag' }]] },
            layout: { ...gridLayout, paddingTop: () => 2, paddingBottom: () => 2 },
          },
        ],
      },
      right,
    ],
  }
}

/** A boxed section: shaded heading row over the body. */
function section(heading: string, body: Content, borderWidth = 0.7): Content {
  return {
    table: {
      widths: ['*'],
      body: [[{ text: heading, style: 'heading', fillColor: HEADING_FILL }], [body]],
    },
    layout: {
      ...gridLayout,
      hLineWidth: () => borderWidth,
      vLineWidth: () => borderWidth,
      paddingLeft: () => 10,
      paddingRight: () => 10,
      paddingTop: (row) => (row === 0 ? 3 : 7),
      paddingBottom: (row) => (row === 0 ? 3 : 7),
    },
    margin: [0, 14, 0, 0],
  }
}

function nextStepsSection(data: CustomerReceiptData): Content {
  const steps = nextSteps(data.requestKind, data.centreMailDomains)
  return section('今後のお手続き', {
    ol: steps.map((s) => ({ text: s, margin: [0, 0, 0, 3] })),
    separator: ['(', ')'],
    markerColor: '#000000',
  })
}

function noticeSection(): Content {
  return section(
    'ご注意',
    {
      stack: [
        { text: NO_PASSWORD_NOTICE, bold: true },
        {
          ul: [
            'パスワードやワンタイムパスワードを電話・メール等でお尋ねされた場合は、お答えにならず当組合までご連絡ください。',
            'お手続きの完了までに数日かかる場合があります。お問い合わせの際は受付番号をお知らせください。',
            'この控えは大切に保管してください。',
          ],
          margin: [0, 4, 0, 0],
          style: 'small',
        },
      ],
    },
    1.2,
  )
}

function footer(data: CustomerReceiptData): Content {
  const who = [data.institutionName, `${data.branch.name}（店番 ${data.branch.code}）`].filter(Boolean).join('　')
  return {
    margin: [PAGE_MARGIN_X, 0, PAGE_MARGIN_X, 0],
    stack: [
      {
        canvas: [
          { type: 'line', x1: 0, y1: 0, x2: A4_WIDTH - 2 * PAGE_MARGIN_X, y2: 0, lineWidth: 0.5, lineColor: LINE_COLOR },
        ],
      },
      {
        columns: [
          { width: '*', text: who, style: 'footer' },
          { width: 'auto', text: data.branchPhone ? `TEL ${data.branchPhone}` : '', style: 'footer', noWrap: true },
        ],
        columnGap: 12,
        margin: [0, 5, 0, 0],
      },
    ],
  }
}

// ---- the form -----------------------------------------------------------------------------------

export function customerReceiptDefinition(data: CustomerReceiptData): TDocumentDefinitions {
  const kindLabel = REQUEST_KIND_LABELS[data.requestKind]
  const receivedAt = new Date(data.receivedAt)
  const titleSuffix = data.reprint ? `（再発行 ${data.reprint.count}回目）` : ''

  const content: Content[] = [
    headerBand(data),
    { text: CUSTOMER_RECEIPT_TITLE, style: 'title', margin: [0, 10, 0, 2] },
    {
      canvas: [
        { type: 'line', x1: 120, y1: 0, x2: 375, y2: 0, lineWidth: 1.2 },
        { type: 'line', x1: 120, y1: 2.5, x2: 375, y2: 2.5, lineWidth: 0.5 },
      ],
    },
    {
      columns: [
        { width: '*', text: `下記のとおり「${kindLabel}」のお申し出を受け付けました。` },
        { width: 'auto', text: toWarekiWithSeireki(data.businessDate), alignment: 'right' },
      ],
      margin: [0, 16, 0, 8],
    },
    { columns: [detailsTable(data), sideBlock(data.receiptNo)], columnGap: 14 },
    nextStepsSection(data),
    noticeSection(),
  ]

  return {
    pageSize: 'A4',
    pageOrientation: 'portrait',
    pageMargins: [PAGE_MARGIN_X, 40, PAGE_MARGIN_X, 50],
    info: {
      title: `${CUSTOMER_RECEIPT_TITLE}（${kindLabel}）${data.receiptNo}${titleSuffix}`,
      subject: `${kindLabel} 受付番号 ${data.receiptNo}`,
      author: [data.institutionName, data.branch.name].filter(Boolean).join(' '),
      creationDate: receivedAt,
      modDate: receivedAt,
    },
    language: 'ja-JP',
    defaultStyle: { font: JP_FONT_FAMILY, fontSize: 10.5, lineHeight: 1.25, color: '#000000' },
    styles: {
      title: { fontSize: 19, bold: true, alignment: 'center' },
      tag: { fontSize: 10, bold: true },
      reprint: { fontSize: 15, bold: true },
      label: { fontSize: 9.5, bold: true },
      kind: { fontSize: 13, bold: true },
      name: { fontSize: 13, bold: true },
      kana: { fontSize: 9.5 },
      strong: { bold: true, fontSize: 11.5 },
      sub: { fontSize: 8.5, color: '#333333' },
      heading: { fontSize: 11, bold: true },
      small: { fontSize: 9 },
      footer: { fontSize: 8.5, color: '#333333' },
    },
    content,
    footer: footer(data),
  }
}
