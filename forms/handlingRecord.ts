// 取扱記録票: the bank's own copy of one request, filed with the paper form. Everything the teller
// typed and checked (the full account number, the IB契約者ID, the identity documents, the 閉塞解除
// answers), the trail of the request and the 受付者 / 検印 / 役席 stamp boxes. A pure function from
// HandlingRecordData to a pdfmake document definition (A4 portrait, normally one page; long texts
// may run onto a second): no I/O, no clock.

import type { Content, TableCell, TDocumentDefinitions } from 'pdfmake/interfaces'
import { formatJapanDateTime, toWarekiWithSeireki } from '../shared/datetime'
import { ACCOUNT_TYPE_LABELS, type RequestForm, type UnlockVerification } from '../shared/schemas'
import { REQUEST_KIND_LABELS, REQUEST_STATE_LABELS, STATUS_LABELS, SUSPENSION_REASON_LABELS } from '../shared/status'
import {
  ALERT_FILL,
  BANK_COPY_TAG,
  contentWidth,
  DENSE_GRID,
  formDocument,
  HEADING_FILL,
  headedTable,
  headerBand,
  labelCell,
  pageFooter,
  receiptQr,
  spanCells,
  stampBoxes,
  stampLines,
  titleBlock,
} from './layout'
import type { HandlingRecordData } from './types'

export const HANDLING_RECORD_TITLE = 'ワンタイムパスワード　取扱記録票'

export { BANK_COPY_TAG }

const yesNo = (b: boolean): string => (b ? 'はい' : 'いいえ')

/** 「店番 001　普通　7654321」: the full account, as the bank's copy prints it. */
export function fullAccount(branchCode: string, typeLabel: string, number: string): string {
  return `店番 ${branchCode}　${typeLabel}　${number}`
}

// ---- 受付内容 -----------------------------------------------------------------------------------

function summaryTable(data: HandlingRecordData): Content {
  const status = `受付時 ${STATUS_LABELS[data.statusAtReceipt]}　→　承認後 ${STATUS_LABELS[data.resultStatus]}`
  const receivedAt = `${toWarekiWithSeireki(data.businessDate)}　${formatJapanDateTime(data.receivedAt).slice(11)}`
  const rows: TableCell[][] = [
    [labelCell('受付番号'), { text: data.receiptNo, style: 'strong' }, labelCell('依頼の種類'), { text: REQUEST_KIND_LABELS[data.requestKind], style: 'strong' }],
    [labelCell('受付日時'), ...spanCells(receivedAt, 3)],
    [labelCell('取扱店'), { text: `${data.branch.name}（店番 ${data.branch.code}）` }, labelCell('処理状況'), { text: REQUEST_STATE_LABELS[data.state], style: 'strong' }],
    [labelCell('登録状況'), ...spanCells(status, 3)],
  ]
  return {
    columns: [
      { width: '*', table: { widths: [56, '*', 56, 110], body: rows }, layout: DENSE_GRID },
      { width: 76, stack: [receiptQr(data.receiptNo, 54)] },
    ],
    columnGap: 10,
    margin: [0, 12, 0, 0],
  }
}

// ---- お客さま・依頼書 ---------------------------------------------------------------------------------

/** Rows only some kinds of paper form have, as typed (the 備考 follows in requestTable, as typed:
 * （ー～①） stays as it is). */
function kindRows(form: RequestForm): [string, string][] {
  switch (form.kind) {
    case 'new_application':
      return [
        ['生年月日', toWarekiWithSeireki(form.birthDate)],
        ['おところ', `〒${form.postalCode}　${form.address}`],
      ]
    case 'suspension': {
      const label = SUSPENSION_REASON_LABELS[form.reason]
      return [['利用停止の理由', form.reasonText ? `${label}（${form.reasonText}）` : label]]
    }
    default:
      return []
  }
}

/** The paper form beside the customer's registered data: what was written is what was checked. */
function customerTable(data: HandlingRecordData): Content {
  const f = data.form
  const c = data.customer
  const pair = (label: string, written: string, registered: string): TableCell[] => [labelCell(label), { text: written }, { text: registered }]
  const paperOnly = (label: string, written: string): TableCell[] => [labelCell(label), ...spanCells(written, 2)]
  const head = (text: string): TableCell => ({ text, style: 'heading', fillColor: HEADING_FILL })
  const rows: TableCell[][] = [
    [head('お客さま'), head('依頼書の記載'), head('お客さま登録内容')],
    paperOnly('お申込日', toWarekiWithSeireki(f.applicationDate)),
    pair('フリガナ', f.nameKana, c.nameKana),
    [labelCell('お名前'), { text: f.nameKanji, bold: true }, { text: c.nameKanji, bold: true }],
    pair(
      '代表口座',
      fullAccount(f.account.branchCode, ACCOUNT_TYPE_LABELS[f.account.type], f.account.number),
      fullAccount(c.accountBranchCode, c.accountTypeLabel, c.accountNumber),
    ),
    pair('IB契約者ID', f.ibContractId, c.ibContractId),
    paperOnly('電話番号', f.phone),
    ...kindRows(f).map(([label, value]) => paperOnly(label, value)),
  ]
  if (f.remarks) rows.push(paperOnly('備考', f.remarks))
  return { table: { widths: [70, '*', '*'], headerRows: 1, keepWithHeaderRows: 1, dontBreakRows: true, body: rows }, layout: DENSE_GRID, margin: [0, 10, 0, 0] }
}

function identityTable(data: HandlingRecordData): Content {
  const id = data.identity
  const docs = id.secondDocumentLabel ? `${id.documentLabel}（補助書類：${id.secondDocumentLabel}）` : id.documentLabel
  const row: TableCell[] = [
    labelCell('本人確認書類'),
    { text: docs },
    labelCell('確認者'),
    { text: id.checkedByName },
    labelCell('届出印照合'),
    { text: data.sealMatched ? '済' : '未照合', bold: true, alignment: 'center', verticalAlignment: 'middle' },
  ]
  return { table: { widths: [70, '*', 40, 84, 58, 30], body: [row] }, layout: DENSE_GRID, margin: [0, 10, 0, 0] }
}

// ---- 閉塞解除 確認事項 ---------------------------------------------------------------------------

/** The teller's verification answers before an unlock, worded as the checklist asks them;
 * `concern` marks an answer the supervisor should look at twice. */
export function unlockAnswers(v: UnlockVerification): { question: string; answer: string; concern: boolean }[] {
  const yn = (question: string, b: boolean, concernWhen: boolean) => ({ question, answer: yesNo(b), concern: b === concernWhen })
  return [
    yn('本人確認書類の写真・記載内容が申出人と一致', v.idDocumentMatches, false),
    yn('申出人がご契約者ご本人', v.contractHolderConfirmed, false),
    yn('他の人がワンタイムパスワードを入力した可能性', v.othersMayHaveTried, true),
    yn('不正利用の疑い', v.fraudSuspected, true),
  ]
}

/** The repeated-unlock line: earlier unlocks of the customer within the branch's period. */
export function repeatUnlockText(data: HandlingRecordData): string {
  const r = data.repeatUnlock
  if (!r) return '繰り返しの閉塞解除：なし'
  const ack = r.acknowledged ? '役席確認済' : data.state === 'pending_review' ? '役席確認前（検印待ち）' : '役席未確認'
  return (
    `繰り返しの閉塞解除：過去${r.days}日以内にこのお客さまの閉塞解除が${r.count}回あります` +
    `（直近の承認 ${formatJapanDateTime(r.lastApprovedAt)}）。今回は${r.count + 1}回目です。【${ack}】`
  )
}

function unlockTable(data: HandlingRecordData): Content | null {
  if (data.form.kind !== 'unlock') return null
  const v = data.form.verification
  const answers = unlockAnswers(v).map((a): TableCell[] => [
    labelCell(a.question),
    { text: a.answer, bold: true, alignment: 'center', ...(a.concern ? { fillColor: ALERT_FILL } : {}) },
  ])
  const rows: TableCell[][] = [
    // Two answers a row: the checklist stays short.
    [...answers[0]!, ...answers[1]!],
    [...answers[2]!, ...answers[3]!],
    spanCells(labelCell('閉塞に至った経緯（お客さまの申出）'), 4),
    spanCells(v.blockAccount, 4),
    spanCells(data.repeatUnlock ? { text: repeatUnlockText(data), bold: true, fillColor: ALERT_FILL } : repeatUnlockText(data), 4),
  ]
  return headedTable('閉塞解除 確認事項', ['*', 34, '*', 34], rows)
}

// ---- 差戻し・取消, 経過 --------------------------------------------------------------------------

function reasonsTable(data: HandlingRecordData): Content | null {
  const rows: TableCell[][] = []
  if (data.returnReason) rows.push([labelCell('差戻し理由'), { text: data.returnReason }])
  if (data.withdrawReason) rows.push([labelCell('取消理由'), { text: data.withdrawReason }])
  return rows.length ? headedTable('差戻し・取消', [70, '*'], rows) : null
}

function trailTable(data: HandlingRecordData): Content {
  const head: TableCell[] = ['日時', '内容', '職員', '備考'].map((t) => ({ text: t, style: 'label' }))
  const rows: TableCell[][] = data.trail.map((e) => [
    { text: formatJapanDateTime(e.at), noWrap: true },
    { text: e.label },
    { text: e.actorName },
    { text: e.note ?? '', style: 'small' },
  ])
  if (rows.length === 0) rows.push(spanCells({ text: '記録はありません。', style: 'sub' }, 4))
  return headedTable('経過', [90, 52, 84, '*'], [head, ...rows], { headerRows: 2 })
}

// ---- the form -----------------------------------------------------------------------------------

export function handlingRecordDefinition(data: HandlingRecordData): TDocumentDefinitions {
  const kindLabel = REQUEST_KIND_LABELS[data.requestKind]
  const printedLine = `出力日時 ${formatJapanDateTime(data.printedAt)}　出力者 ${data.printedByName}`

  const content: Content[] = [
    headerBand(BANK_COPY_TAG, data.reprint),
    ...titleBlock(HANDLING_RECORD_TITLE, contentWidth('portrait')),
    summaryTable(data),
    customerTable(data),
    identityTable(data),
    ...[unlockTable(data), reasonsTable(data)].filter((c): c is Content => c !== null),
    trailTable(data),
    {
      stack: [
        stampBoxes([
          { label: '受付者', lines: stampLines(data.receivedBy) },
          { label: '検印', lines: stampLines(data.reviewedBy) },
          { label: '役席' },
        ]),
      ],
      margin: [0, 12, 0, 0],
    },
  ]

  return formDocument({
    title: `${HANDLING_RECORD_TITLE}（${kindLabel}）${data.receiptNo}`,
    subject: `${kindLabel} 受付番号 ${data.receiptNo} ${REQUEST_STATE_LABELS[data.state]}`,
    issuer: data,
    reprint: data.reprint,
    createdAt: data.printedAt,
    fontSize: 9.5,
    lineHeight: 1.1,
    styles: {
      label: { fontSize: 8.5, bold: true },
      heading: { fontSize: 10, bold: true },
      strong: { fontSize: 10.5, bold: true },
      small: { fontSize: 8.5 },
    },
    content,
    footer: pageFooter(data, 'portrait', { pageNumbers: true, note: printedLine }),
  })
}
