// 日次取扱一覧: every request the branch received on one business date, in reception order, with the
// counts by state and kind, the 閉塞解除 points the supervisor must look at, and the sign-off boxes.
// A pure function from DailyJournalData to a pdfmake document definition (A4 landscape, as many
// pages as the day needs, the table header on every page): no I/O, no clock.

import type { Content, ContentStack, CustomTableLayout, TableCell, TDocumentDefinitions } from 'pdfmake/interfaces'
import { formatJapanDateTime, japanDate, toWarekiWithSeireki } from '../shared/datetime'
import { formatDigest, groupedHash } from '../shared/integrity'
import {
  REQUEST_KIND_LABELS,
  REQUEST_KINDS,
  REQUEST_STATE_LABELS,
  REQUEST_STATES,
  type RequestKind,
  type RequestState,
} from '../shared/status'
import {
  BANK_COPY_TAG,
  contentWidth,
  DENSE_GRID,
  formDocument,
  gridWithPadding,
  HEADING_FILL,
  headerBand,
  keyValueTable,
  LABEL_FILL,
  LINE_COLOR,
  pageFooter,
  section,
  stampBoxes,
  ZEBRA_FILL,
} from './layout'
import type { DailyJournalData, DailyJournalRow, JournalProgress, UnlockWarning } from './types'

export const DAILY_JOURNAL_TITLE = 'ワンタイムパスワード　日次取扱一覧'

export const EMPTY_DAY_MESSAGE = 'この日の取扱いはありません。'

// ---- counts -------------------------------------------------------------------------------------

export interface JournalCounts {
  byState: Record<RequestState, number>
  byKind: Record<RequestKind, number>
  total: number
}

/** The day's requests counted by state and by kind. */
export function countJournalRows(rows: readonly DailyJournalRow[]): JournalCounts {
  const byState = Object.fromEntries(REQUEST_STATES.map((s) => [s, 0])) as Record<RequestState, number>
  const byKind = Object.fromEntries(REQUEST_KINDS.map((k) => [k, 0])) as Record<RequestKind, number>
  for (const r of rows) {
    byState[r.state] += 1
    byKind[r.requestKind] += 1
  }
  return { byState, byKind, total: rows.length }
}

/** A kind's label for a narrow column: the long 「利用再開／トークン再発行」 breaks after the slash. */
const kindLabelLines = (k: RequestKind): string => REQUEST_KIND_LABELS[k].replace('／', '／\n')

/** How the counts block names the states: a count of 承認 reads 承認済. */
const COUNT_STATE_LABELS: Record<RequestState, string> = { ...REQUEST_STATE_LABELS, approved: '承認済', superseded: '失効' }

/** One count table: labels in the shaded top row, the figures under them, 合計 last. */
function countTable(heading: string, labels: string[], figures: number[], total: number): Content {
  const head = (text: string): TableCell => ({
    text,
    style: 'label',
    fontSize: 7.5,
    fillColor: LABEL_FILL,
    alignment: 'center',
    verticalAlignment: 'middle',
  })
  const figure = (n: number, bold = false): TableCell => ({ text: `${n}件`, alignment: 'center', bold, fontSize: 10.5 })
  return {
    table: {
      widths: [40, ...labels.map(() => '*' as const), 40],
      body: [
        [{ text: heading, style: 'label', fillColor: HEADING_FILL, rowSpan: 2, verticalAlignment: 'middle' }, ...labels.map(head), head('合計')],
        [{}, ...figures.map((n) => figure(n)), figure(total, true)],
      ],
    },
    layout: DENSE_GRID,
  }
}

/** What happened on the way (差戻し and 再提出 count every time, also of requests approved since). */
export const PROGRESS_LABELS: [keyof JournalProgress, string][] = [
  ['returns', '差戻し'],
  ['resubmissions', '再提出'],
  ['withdrawals', '取消'],
  ['supersessions', '失効\n（緊急停止）'],
  ['urgentStops', '緊急停止'],
  ['fraudRefusals', '不正の疑い\nでお断り'],
]

function progressTable(p: JournalProgress): Content {
  const head = (text: string): TableCell => ({ text, style: 'label', fontSize: 7.5, fillColor: LABEL_FILL, alignment: 'center', verticalAlignment: 'middle' })
  const figure = (n: number): TableCell => ({ text: `${n}件`, alignment: 'center', bold: n > 0, fontSize: 10.5 })
  return {
    table: {
      widths: [40, ...PROGRESS_LABELS.map(() => '*' as const)],
      body: [
        [{ text: '経過', style: 'label', fillColor: HEADING_FILL, rowSpan: 2, verticalAlignment: 'middle' }, ...PROGRESS_LABELS.map(([, l]) => head(l))],
        [{}, ...PROGRESS_LABELS.map(([k]) => figure(p[k]))],
      ],
    },
    layout: DENSE_GRID,
  }
}

function countsBlock(counts: JournalCounts, progress?: JournalProgress): ContentStack {
  return {
    stack: [
      countTable('状態別', REQUEST_STATES.map((s) => COUNT_STATE_LABELS[s]), REQUEST_STATES.map((s) => counts.byState[s]), counts.total),
      { text: '', margin: [0, 4, 0, 0] },
      countTable('種類別', REQUEST_KINDS.map(kindLabelLines), REQUEST_KINDS.map((k) => counts.byKind[k]), counts.total),
      ...(progress ? [{ text: '', margin: [0, 4, 0, 0] } as Content, progressTable(progress)] : []),
    ],
  }
}

// ---- 閉塞解除の注意事項 -----------------------------------------------------------------------------

const hhmm = (iso: string): string => formatJapanDateTime(iso).slice(11, 16)

/** A 閉塞解除 warning in plain Japanese. */
export function unlockWarningText(w: UnlockWarning): string {
  switch (w.kind) {
    case 'repeat':
      return `受付番号 ${w.receiptNo}　${w.customerName}：${w.days}日以内に${w.count}回目の閉塞解除（${w.acknowledged ? '役席確認済' : '役席未確認'}）`
    case 'undecided':
      return `受付番号 ${w.receiptNo}　${w.customerName}：閉塞解除が検印待ちのままです`
    case 'not_approved':
      return `受付番号 ${w.receiptNo}　${w.customerName}：閉塞解除を${REQUEST_STATE_LABELS[w.state]}（理由：${w.reason ?? '記載なし'}）`
    case 'fraud_refused': {
      const what = { reception: '受付拒否', resubmission: '再提出を拒否', approval: '承認を拒否' }[w.stage ?? 'reception']
      const no = w.receiptNo ? `受付番号 ${w.receiptNo}　` : ''
      return `${hhmm(w.at)}　${no}${w.customerName}：不正利用の疑いにより${what}（対応職員：${w.actorName}）`
    }
    case 'others_tried':
      return `受付番号 ${w.receiptNo}　${w.customerName}：他の人がコードを入力した可能性「あり」の閉塞解除（${REQUEST_STATE_LABELS[w.state]}）`
  }
}

function warningsSection(warnings: readonly UnlockWarning[]): Content {
  const body: Content = warnings.length
    ? { ul: warnings.map(unlockWarningText), markerColor: '#000000' }
    : { text: '該当なし' }
  return section('閉塞解除の注意事項', body, { marginTop: 0, padding: 5 })
}

// ---- the table ----------------------------------------------------------------------------------

const TABLE_HEAD = ['受付番号', '受付時刻', '種類', 'お名前', '口座', '受付者', '検印者', '状態', '備考']

/** Light inner lines, a dark frame and header rule, every other row shaded. */
const journalTableLayout: CustomTableLayout = {
  ...DENSE_GRID,
  hLineWidth: (i, node) => (i === 0 || i === 1 || i === node.table.body.length ? 0.8 : 0.4),
  vLineWidth: (i, node) => (i === 0 || i === node.table.widths!.length ? 0.8 : 0.4),
  hLineColor: (i, node) => (i === 0 || i === 1 || i === node.table.body.length ? LINE_COLOR : '#9a9a9a'),
  vLineColor: (i, node) => (i === 0 || i === node.table.widths!.length ? LINE_COLOR : '#9a9a9a'),
  fillColor: (row) => (row === 0 ? HEADING_FILL : row % 2 === 0 ? ZEBRA_FILL : null),
}

/** The 検印者 cell: name, and the time (with the date when it was not the business date). */
function reviewerCell(r: DailyJournalRow, businessDate: string): TableCell {
  if (!r.reviewedByName) return { text: '' }
  const stack: Content[] = [{ text: r.reviewedByName }]
  if (r.reviewedAt) {
    const sameDay = japanDate(new Date(r.reviewedAt)) === businessDate
    const [ymd = '', time = ''] = formatJapanDateTime(r.reviewedAt).split(' ')
    stack.push({ text: sameDay ? time.slice(0, 5) : `${ymd.slice(5)} ${time.slice(0, 5)}`, style: 'sub' })
  }
  return { stack }
}

function rowCells(r: DailyJournalRow, businessDate: string): TableCell[] {
  const attention = r.state !== 'approved'
  return [
    { text: r.receiptNo, noWrap: true },
    { text: hhmm(r.receivedAt), alignment: 'center' },
    { text: kindLabelLines(r.requestKind) },
    { stack: [{ text: r.customerKana, style: 'sub' }, { text: r.customerName }] },
    { text: `${r.accountBranchCode} ${r.accountTypeLabel} ${r.accountNumber}`, noWrap: true },
    { text: r.receivedByName },
    reviewerCell(r, businessDate),
    { text: REQUEST_STATE_LABELS[r.state], bold: attention, alignment: 'center' },
    { text: [r.note, ...(r.flags ?? []).map((f) => `⚠${f}`)].filter(Boolean).join('\n'), style: 'small' },
  ]
}

function journalTable(data: DailyJournalData): Content {
  if (data.rows.length === 0)
    return {
      table: { widths: ['*'], body: [[{ text: EMPTY_DAY_MESSAGE, alignment: 'center', margin: [0, 14, 0, 14] }]] },
      layout: DENSE_GRID,
      margin: [0, 10, 0, 0],
    }
  return {
    table: {
      widths: [80, 32, 68, 116, 70, 64, 70, 40, '*'],
      headerRows: 1,
      dontBreakRows: true,
      body: [
        TABLE_HEAD.map((t): TableCell => ({ text: t, style: 'label', alignment: 'center' })),
        ...data.rows.map((r) => rowCells(r, data.businessDate)),
      ],
    },
    layout: journalTableLayout,
    margin: [0, 10, 0, 0],
  }
}

/**
 * The ledger's journal digest at the moment of printing (issue 15): a QR code of the whole digest
 * (a barcode scanner at the administrators' 「控えの照合」, or `npm run ledger:verify -- --anchor=...`)
 * in a box beside the stamp boxes it is signed with, and under them the number of entries and the
 * hash of the last one in groups of four (to read out over the phone or type in by hand). A ledger
 * later rewritten from an earlier entry no longer contains this prefix, whatever the rewriter
 * recomputes. Compact, inside the sign-off block, so a day whose rows fit on one page still prints
 * on one page, and a long day has it on its last page with the stamps.
 */
function signOff(digest: { count: number; hash: string } | null | undefined): Content {
  const stamps = stampBoxes([{ label: '作成者' }, { label: '役席検印' }, { label: '支店長' }], digest ? { height: 48, boxWidth: 56 } : { height: 56 })
  if (!digest) return stamps
  const groups = groupedHash(digest.hash).split(' ')
  const qrBox: Content = {
    table: {
      widths: [60],
      heights: [14, 48],
      body: [
        [{ text: `仕訳件数 ${digest.count.toLocaleString('ja-JP')}`, fontSize: 6, bold: true, alignment: 'center', fillColor: LABEL_FILL, noWrap: true }],
        [{ qr: formatDigest(digest), fit: 48, eccLevel: 'M', alignment: 'center' }],
      ],
    },
    layout: gridWithPadding(1, 1),
  }
  return {
    stack: [
      { columns: [{ width: 'auto', ...qrBox }, { width: 'auto', stack: [stamps] }], columnGap: 4 },
      {
        columns: [
          { width: 'auto', text: '台帳ダイジェスト\n（印刷時点）', bold: true },
          { width: 'auto', text: `${groups.slice(0, 8).join(' ')}\n${groups.slice(8).join(' ')}`, margin: [4, 0, 0, 0] },
        ],
        fontSize: 6.5,
        lineHeight: 0.95,
        margin: [0, 1, 0, 0],
      },
    ],
  }
}

// ---- the form -----------------------------------------------------------------------------------

export function dailyJournalDefinition(data: DailyJournalData): TDocumentDefinitions {
  const date = toWarekiWithSeireki(data.businessDate)
  const generated = `${formatJapanDateTime(data.generatedAt)}　${data.generatedByName}`

  const warnings = data.unlockWarnings.length
  const content: Content[] = [
    headerBand(BANK_COPY_TAG, data.reprint, { text: DAILY_JOURNAL_TITLE, bandWidth: contentWidth('landscape') }),
    {
      columns: [
        {
          width: 270,
          stack: [
            keyValueTable(
              [
                ['取扱店', { text: `${data.branch.name}（店番 ${data.branch.code}）` }],
                ['取扱日', { text: date, bold: true }],
                ['作成日時・作成者', { text: generated }],
                ['閉塞解除の注意', { text: warnings ? `${warnings}件（一覧の後に記載）` : 'なし', bold: warnings > 0 }],
              ],
              76,
            ),
            { text: '※ 各依頼の状態・件数は作成日時現在のものです。', style: 'sub', margin: [0, 3, 0, 0] },
          ],
        },
        { width: '*', ...countsBlock(countJournalRows(data.rows), data.progress) },
      ],
      columnGap: 14,
      margin: [0, 10, 0, 0],
    },
    journalTable(data),
    // The supervisor reads the points to check and signs beside them.
    {
      columns: [
        { width: '*', stack: [warningsSection(data.unlockWarnings)] },
        { width: 'auto', stack: [signOff(data.ledgerDigest)] },
      ],
      columnGap: 14,
      unbreakable: true,
      margin: [0, 12, 0, 0],
    },
  ]

  return formDocument({
    title: `${DAILY_JOURNAL_TITLE} ${date} ${data.branch.name}`,
    subject: `日次取扱一覧 ${data.businessDate} 店番 ${data.branch.code} ${data.rows.length}件`,
    issuer: data,
    reprint: data.reprint,
    createdAt: data.generatedAt,
    orientation: 'landscape',
    fontSize: 8.5,
    lineHeight: 1.1,
    styles: {
      label: { fontSize: 8, bold: true },
      heading: { fontSize: 9.5, bold: true },
      sub: { fontSize: 7, color: '#333333', lineHeight: 1 },
      small: { fontSize: 7.5 },
    },
    content,
    footer: pageFooter(data, 'landscape', { pageNumbers: true, note: `取扱日 ${date}　作成日時 ${generated}` }),
  })
}
