// The look the print forms share, so the お客さま控, 処理完了のお知らせ, 取扱記録票 and 日次取扱一覧
// read as one family: ruled grid tables with shaded label cells, boxed sections with a shaded
// heading, the header band with the copy tag and the 再発行 box, the title over a double rule, the
// QR code of the 受付番号, the stamp boxes, the footer, and the document frame (A4, Noto Sans JP,
// styles, metadata). Pure building blocks: no I/O, no clock.

import type {
  Column,
  Content,
  ContentStack,
  CustomTableLayout,
  DynamicContent,
  PageOrientation,
  StyleDictionary,
  TableCell,
  TDocumentDefinitions,
} from 'pdfmake/interfaces'
import { formatJapanDateTime } from '../shared/datetime'
import { JP_FONT_FAMILY } from './fonts'
import type { FormIssuer, ReprintMark } from './types'

// ---- page and colours ---------------------------------------------------------------------------

/** A4 in points, portrait. */
export const A4 = { width: 595.28, height: 841.89 } as const

export const LINE_COLOR = '#333333'
export const LABEL_FILL = '#ececec'
export const HEADING_FILL = '#d9d9d9'
/** Fill of every other row in long tables. */
export const ZEBRA_FILL = '#f4f4f4'
/** Fill that draws the eye to a warning (repeat unlocks, fraud). */
export const ALERT_FILL = '#fff1d6'

/** Page margins [left, top, right, bottom] by orientation; the footer sits in the bottom margin. */
export function pageMargins(orientation: PageOrientation): [number, number, number, number] {
  return orientation === 'landscape' ? [36, 30, 36, 44] : [50, 40, 50, 50]
}

/** Width of the printable area between the side margins. */
export function contentWidth(orientation: PageOrientation): number {
  const [left, , right] = pageMargins(orientation)
  const page = orientation === 'landscape' ? A4.height : A4.width
  return page - left - right
}

// ---- tables -------------------------------------------------------------------------------------

/** Ruled grid: every cell boxed with a thin dark line. */
export const gridLayout: CustomTableLayout = {
  hLineWidth: () => 0.7,
  vLineWidth: () => 0.7,
  hLineColor: () => LINE_COLOR,
  vLineColor: () => LINE_COLOR,
  paddingLeft: () => 8,
  paddingRight: () => 8,
  paddingTop: () => 4,
  paddingBottom: () => 4,
}

/** The grid with other cell padding (denser bank copies, small boxes). */
export function gridWithPadding(x: number, y: number): CustomTableLayout {
  return { ...gridLayout, paddingLeft: () => x, paddingRight: () => x, paddingTop: () => y, paddingBottom: () => y }
}

/** The grid of the bank's dense copies. */
export const DENSE_GRID: CustomTableLayout = gridWithPadding(5, 2.5)

/** A shaded label cell of a grid table. */
export function labelCell(text: string, extra: { colSpan?: number; rowSpan?: number } = {}): TableCell {
  return { text, style: 'label', fillColor: LABEL_FILL, verticalAlignment: 'middle', ...extra }
}

/** The label of a name row: small 「フリガナ」 over 「お名前」. */
export function nameLabelCell(): TableCell {
  return { stack: [{ text: 'フリガナ', style: 'sub' }, { text: 'お名前' }], style: 'label', fillColor: LABEL_FILL }
}

/** Kana in small print over the name in large print, with an optional 「様」. */
export function nameValueCell(kana: string, name: string, honorific = false): ContentStack {
  return {
    stack: [
      { text: kana, style: 'kana' },
      honorific ? { text: [{ text: name, style: 'name' }, { text: '　様' }] } : { text: name, style: 'name' },
    ],
  }
}

/** Label / value pairs as a grid table with a fixed label column. */
export function keyValueTable(rows: [string, TableCell][], labelWidth = 84): Content {
  return {
    table: { widths: [labelWidth, '*'], body: rows.map(([label, value]) => [labelCell(label), value]) },
    layout: gridLayout,
  }
}

/** A boxed section: shaded heading row over the body. */
export function section(
  heading: string,
  body: Content,
  opts: { borderWidth?: number; marginTop?: number; padding?: number; headingFill?: string } = {},
): Content {
  const { borderWidth = 0.7, marginTop = 14, padding = 7, headingFill = HEADING_FILL } = opts
  return {
    table: {
      widths: ['*'],
      body: [[{ text: heading, style: 'heading', fillColor: headingFill }], [body]],
    },
    layout: {
      ...gridLayout,
      hLineWidth: () => borderWidth,
      vLineWidth: () => borderWidth,
      paddingLeft: () => 10,
      paddingRight: () => 10,
      paddingTop: (row) => (row === 0 ? 3 : padding),
      paddingBottom: (row) => (row === 0 ? 3 : padding),
    },
    margin: [0, marginTop, 0, 0],
  }
}

/**
 * A grid table whose first row is a shaded heading across all columns: the bank copies' sections.
 * `headerRows` counts the heading row too; those rows repeat when the table runs onto a new page;
 * the heading never ends a page on its own.
 */
export function headedTable(
  heading: string,
  widths: (number | '*' | 'auto')[],
  rows: TableCell[][],
  opts: { headerRows?: number; marginTop?: number } = {},
): Content {
  const headingRow: TableCell[] = [
    { text: heading, style: 'heading', fillColor: HEADING_FILL, colSpan: widths.length },
    ...widths.slice(1).map(() => ({})),
  ]
  return {
    table: {
      widths,
      headerRows: opts.headerRows ?? 1,
      keepWithHeaderRows: 1,
      dontBreakRows: true,
      body: [headingRow, ...rows],
    },
    layout: DENSE_GRID,
    margin: [0, opts.marginTop ?? 10, 0, 0],
  }
}

/** A value cell spanning `span` columns (padded with the empty cells pdfmake expects). */
export function spanCells(cell: TableCell | string, span: number): TableCell[] {
  const first = (typeof cell === 'string' ? { text: cell } : cell) as TableCell & object
  if (span <= 1) return [first]
  return [{ ...first, colSpan: span } as TableCell, ...Array.from({ length: span - 1 }, () => ({}))]
}

// ---- header, title ------------------------------------------------------------------------------

/** The copy tag of the bank's own forms. */
export const BANK_COPY_TAG = '当組合控'

/** 「（再発行 N回目）」 for titles and metadata; '' for a first print. */
export function reprintSuffix(reprint: ReprintMark): string {
  return reprint ? `（再発行 ${reprint.count}回目）` : ''
}

const BAND_SIDE = 150

/** The band at the top: the copy tag (「お客さま控」「当組合控」) boxed on the left, and on a reprint
 * a heavy box 「再発行（N回目）」 on the right. With `title` (for landscape pages, where height is
 * short) the title sits in the band between them. */
export function headerBand(tag: string, reprint: ReprintMark, title?: { text: string; bandWidth: number }): Content {
  const right: Column = reprint
    ? {
        width: BAND_SIDE,
        table: {
          widths: ['*'],
          body: [[{ text: `再発行（${reprint.count}回目）`, style: 'reprint', alignment: 'center' }]],
        },
        layout: { hLineWidth: () => 1.6, vLineWidth: () => 1.6, paddingTop: () => 2, paddingBottom: () => 2 },
      }
    : { width: BAND_SIDE, text: '' }
  const left: Column = { width: title ? BAND_SIDE : '*', table: { body: [[{ text: tag, style: 'tag' }]] }, layout: gridWithPadding(8, 2) }
  if (!title) return { columns: [left, right] }
  const middleWidth = title.bandWidth - 2 * BAND_SIDE
  return { columns: [left, { width: middleWidth, stack: titleBlock(title.text, middleWidth, 0) }, right] }
}

const TITLE_SIZE = 19

/** The form's title, centred over a double rule. */
export function titleBlock(title: string, width: number, marginTop = 10): Content[] {
  // Full-width glyphs are one em wide; the rule is a little shorter than the title.
  const rule = Math.min(width, Math.round(title.length * TITLE_SIZE * 0.84))
  const x1 = (width - rule) / 2
  const x2 = x1 + rule
  return [
    { text: title, style: 'title', margin: [0, marginTop, 0, 2] },
    {
      canvas: [
        { type: 'line', x1, y1: 0, x2, y2: 0, lineWidth: 1.2 },
        { type: 'line', x1, y1: 2.5, x2, y2: 2.5, lineWidth: 0.5 },
      ],
    },
  ]
}

// ---- QR code and stamp boxes -------------------------------------------------------------------

/** The 受付番号 as a QR code in a frame, captioned. Fills the column it is put in. */
export function receiptQr(receiptNo: string, fit = 70): Content {
  return {
    stack: [
      {
        table: {
          widths: ['*'],
          // Quiet zone of about four modules inside the frame so phone scanners find the code.
          body: [[{ qr: receiptNo, fit, eccLevel: 'M', alignment: 'center', margin: [0, 6, 0, 2] }]],
        },
        layout: gridLayout,
      },
      { text: '受付番号', style: 'sub', alignment: 'center', margin: [0, 2, 0, 0] },
    ],
  }
}

/** One stamp box: the label in the shaded top row; below it space for a seal, with what the form
 * already knows (a name, a time) printed small at the top of the space. */
export interface StampBox {
  label: string
  lines?: string[]
}

/**
 * A row of stamp boxes (受付印, 受付者 / 検印 / 役席, 作成者 / 役席検印 / 支店長). `boxWidth` '*'
 * makes the boxes share the column; a number fixes each box and right-aligns the row. Never split
 * across pages.
 */
export function stampBoxes(boxes: StampBox[], opts: { boxWidth?: number | '*'; height?: number } = {}): Content {
  const { boxWidth = 68, height = 62 } = opts
  const table: Content = {
    table: {
      widths: boxes.map(() => boxWidth),
      heights: [14, height],
      body: [
        boxes.map((b) => ({ text: b.label, style: 'sub', alignment: 'center', fillColor: LABEL_FILL }) as TableCell),
        boxes.map((b) => ({ stack: (b.lines ?? []).map((l) => ({ text: l, style: 'stamp', alignment: 'center' })) })),
      ],
    },
    layout: gridWithPadding(3, 1),
  }
  if (boxWidth === '*') return { ...table, unbreakable: true }
  return { columns: [{ width: '*', text: '' }, { width: 'auto', ...table }], unbreakable: true }
}

/** The side column of a form about one request: the QR code of the 受付番号 over one stamp box
 * (受付印, 取扱店印). */
export function qrStampColumn(receiptNo: string, stampLabel: string, width = 100): Column {
  return {
    width,
    stack: [receiptQr(receiptNo), { stack: [stampBoxes([{ label: stampLabel }], { boxWidth: '*', height: 70 })], margin: [0, 8, 0, 0] }],
  }
}

/** What a stamp box prints for someone who already acted: the name and the Japan date and time. */
export function stampLines(who: { name: string; at: string } | null): string[] {
  if (!who) return []
  const [date = '', time = ''] = formatJapanDateTime(who.at).split(' ')
  return [who.name, `${date} ${time.slice(0, 5)}`]
}

// ---- footer ------------------------------------------------------------------------------------

/** 「〇〇信用組合　本店営業部（店番 001）」. */
export function issuerLine(issuer: FormIssuer): string {
  return [issuer.institutionName, `${issuer.branch.name}（店番 ${issuer.branch.code}）`].filter(Boolean).join('　')
}

/** 「2 / 5 ページ」. */
export function pageLabel(page: number, pages: number): string {
  return `${page} / ${pages} ページ`
}

function footerContent(issuer: FormIssuer, width: number, marginX: number, note: string, page: string): Content {
  const rows: Content[] = [
    {
      canvas: [{ type: 'line', x1: 0, y1: 0, x2: width, y2: 0, lineWidth: 0.5, lineColor: LINE_COLOR }],
    },
    {
      columns: [
        { width: '*', text: issuerLine(issuer), style: 'footer' },
        { width: 'auto', text: issuer.branchPhone ? `TEL ${issuer.branchPhone}` : '', style: 'footer', noWrap: true },
      ],
      columnGap: 12,
      margin: [0, 5, 0, 0],
    },
  ]
  if (note || page)
    rows.push({
      columns: [
        { width: '*', text: note, style: 'footer' },
        { width: 'auto', text: page, style: 'footer', bold: true, noWrap: true },
      ],
      columnGap: 12,
    })
  // A little air between the body, which may run to the bottom margin, and the footer's rule.
  return { margin: [marginX, 8, marginX, 0], stack: rows }
}

/**
 * The footer of every page: a rule, the institution and branch, the branch telephone; below, an
 * optional note in small print (出力日時 …) and, with `pageNumbers`, 「n / N ページ」 (then the
 * footer is a function of the page).
 */
export function pageFooter(
  issuer: FormIssuer,
  orientation: PageOrientation,
  opts: { pageNumbers?: boolean; note?: string } = {},
): Content | DynamicContent {
  const width = contentWidth(orientation)
  const [marginX] = pageMargins(orientation)
  const note = opts.note ?? ''
  if (!opts.pageNumbers) return footerContent(issuer, width, marginX, note, '')
  return (page: number, pages: number) => footerContent(issuer, width, marginX, note, pageLabel(page, pages))
}

// ---- the document ------------------------------------------------------------------------------

/** The styles every form uses; a form may add its own. */
export const BASE_STYLES: StyleDictionary = {
  title: { fontSize: TITLE_SIZE, bold: true, alignment: 'center' },
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
  stamp: { fontSize: 7.5, lineHeight: 1.1 },
  footer: { fontSize: 8.5, color: '#333333' },
}

export interface FormDocumentOptions {
  /** PDF title (the form's title, the kind, the number …); the reprint suffix is added here. */
  title: string
  subject: string
  issuer: FormIssuer
  reprint: ReprintMark
  /** ISO-8601 instant from the data: the PDF's creation date. */
  createdAt: string
  orientation?: PageOrientation
  /** Body font size and line height; 10.5 / 1.25 for the customer's copies, less for dense bank copies. */
  fontSize?: number
  lineHeight?: number
  styles?: StyleDictionary
  content: Content[]
  footer: Content | DynamicContent
}

/** A4 document in Noto Sans JP with the house styles and metadata dated from the data. */
export function formDocument(o: FormDocumentOptions): TDocumentDefinitions {
  const orientation = o.orientation ?? 'portrait'
  const created = new Date(o.createdAt)
  return {
    pageSize: 'A4',
    pageOrientation: orientation,
    pageMargins: pageMargins(orientation),
    info: {
      title: `${o.title}${reprintSuffix(o.reprint)}`,
      subject: o.subject,
      author: [o.issuer.institutionName, o.issuer.branch.name].filter(Boolean).join(' '),
      creationDate: created,
      modDate: created,
    },
    language: 'ja-JP',
    defaultStyle: { font: JP_FONT_FAMILY, fontSize: o.fontSize ?? 10.5, lineHeight: o.lineHeight ?? 1.25, color: '#000000' },
    styles: { ...BASE_STYLES, ...o.styles },
    content: o.content,
    footer: o.footer,
  }
}
