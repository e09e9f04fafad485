// The result report of an import as a CSV the administrator can keep (UTF-8 with BOM so that
// Excel in Japan opens it): what was read, the counts, then every refused line, change and
// customer missing from a full extract the report lists. csv-stringify does the quoting.
import { stringify } from 'csv-stringify/browser/esm/sync'
import type { ImportReport } from '../../../shared/importFormat'
import { neutralizeCell } from '../../../shared/spreadsheet'

const COUNT_LABELS: Record<string, string> = {
  new: '新規',
  changed: '変更',
  unchanged: '変更なし',
  refused: '取込不可',
  missing: 'ファイルにないお客さま',
  closed: '解約にしたお客さま',
  recorded: '記録',
  skipped: '記録済みのため省略',
}

export function reportRows(r: ImportReport): string[][] {
  const rows: string[][] = [
    ['区分', '行', '内容', '変更前', '変更後'],
    ['ファイル', '', r.fileName, '', ''],
    ['SHA-256', '', r.sha256, '', ''],
    ['文字コード', '', r.encodingLabel, '', ''],
    ['実行', '', `${r.mode === 'apply' ? '反映' : '確認（ドライラン）'} ${r.finishedAt} ${r.by}`, '', ''],
    ['件数', '', `データ行 ${r.rows}`, '', ''],
    ...Object.entries(r.counts).map(([k, v]) => ['件数', '', `${COUNT_LABELS[k] ?? k} ${v}`, '', '']),
    ...r.refused.map((x) => ['取込不可', String(x.line), x.reasons.join(' / '), '', '']),
  ]
  if (r.kind === 'customers') {
    for (const c of r.changes) for (const f of c.fields) rows.push(['変更', String(c.line), `${c.account} ${c.name} ${f.label}`, f.from, f.to])
    for (const m of r.missingList) rows.push(['ファイルにない', '', `${m.account} ${m.name}`, '', ''])
    if (r.closingSkipped) rows.push(['注意', '', r.closingSkipped, '', ''])
  } else {
    for (const o of r.outcomes) rows.push(['記録', String(o.line), `${o.customer} ${o.event}（${o.occurredOn}）`, o.from, o.to])
    for (const s of r.skippedList) rows.push(['省略', String(s.line), s.reason, '', ''])
  }
  return rows
}

export function reportCsv(r: ImportReport): Blob {
  return new Blob(['\uFEFF' + stringify(reportRows(r).map((row) => row.map(neutralizeCell)), { record_delimiter: '\r\n' })], { type: 'text/csv;charset=utf-8' })
}
