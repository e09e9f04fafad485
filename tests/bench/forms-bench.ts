// Generation time, size and pages of the print forms. Not a test: run it by hand and read the table.
//   npx tsx tests/bench/forms-bench.ts [runs]
// cold = the first render in a fresh process (loads pdfmake and parses the fonts), measured in a
// child process per form so every form gets a truly cold start; warm = median of `runs` renders
// after that in this process. The budget of a one-page form: under 150 ms warm and under 100 KB.

import { spawnSync } from 'node:child_process'
import { performance } from 'node:perf_hooks'
import { fileURLToPath } from 'node:url'
import type { TDocumentDefinitions } from 'pdfmake/interfaces'
import { completionNoticeDefinition } from '../../forms/completionNotice'
import { customerReceiptDefinition } from '../../forms/customerReceipt'
import { dailyJournalDefinition } from '../../forms/dailyJournal'
import { handlingRecordDefinition } from '../../forms/handlingRecord'
import { renderPdf } from '../../forms/render'
import { sampleNotice } from '../unit/forms/completion-notice.fixtures'
import { sampleReceipt } from '../unit/forms/customer-receipt.fixtures'
import { journalOfRows, SAMPLE_WARNINGS } from '../unit/forms/daily-journal.fixtures'
import { sampleRecord, worstCaseRecord } from '../unit/forms/handling-record.fixtures'

interface Case {
  name: string
  /** One-page forms have the 150 ms / 100 KB budget. */
  onePage: boolean
  build: () => TDocumentDefinitions
}

const CASES: Case[] = [
  { name: 'お客さま控（新規申込）', onePage: true, build: () => customerReceiptDefinition(sampleReceipt()) },
  { name: '処理完了のお知らせ（ご利用解除）', onePage: true, build: () => completionNoticeDefinition(sampleNotice('cancellation')) },
  { name: '取扱記録票（閉塞解除）', onePage: true, build: () => handlingRecordDefinition(sampleRecord('unlock')) },
  { name: '取扱記録票（最長の記載）', onePage: false, build: () => handlingRecordDefinition(worstCaseRecord('unlock')) },
  { name: '日次取扱一覧（20件）', onePage: false, build: () => dailyJournalDefinition(journalOfRows(20, { unlockWarnings: SAMPLE_WARNINGS })) },
  { name: '日次取扱一覧（60件）', onePage: false, build: () => dailyJournalDefinition(journalOfRows(60, { unlockWarnings: SAMPLE_WARNINGS })) },
]

/** Pages of a pdfkit PDF: its page objects (pdfkit writes them uncompressed). */
function pages(pdf: Buffer): number {
  return pdf.toString('latin1').match(/\/Type \/Page\b(?!s)/g)?.length ?? 0
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  const mid = Math.floor(s.length / 2)
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2
}

/** In the child: render case `i` once, cold, and report the time. */
async function coldChild(i: number): Promise<void> {
  const t = performance.now()
  await renderPdf(CASES[i]!.build())
  process.stdout.write(JSON.stringify({ ms: performance.now() - t }))
}

/** A fresh Node with the same loader (tsx) renders the case once. */
function coldMs(i: number): number {
  const script = fileURLToPath(import.meta.url)
  const r = spawnSync(process.execPath, [...process.execArgv, script, '--cold', String(i)], { encoding: 'utf8' })
  if (r.status !== 0) throw new Error(`cold run of ${CASES[i]!.name} failed:\n${r.stderr}`)
  return (JSON.parse(r.stdout) as { ms: number }).ms
}

/** Display width of a string in a terminal: full-width characters take two columns. */
const cols = (s: string): number => [...s].reduce((n, ch) => n + (/[\u3000-\u9fff\uff00-\uffef]/.test(ch) ? 2 : 1), 0)
const padEnd = (s: string, w: number): string => s + ' '.repeat(Math.max(0, w - cols(s)))
const padStart = (s: string, w: number): string => ' '.repeat(Math.max(0, w - cols(s))) + s

async function main(): Promise<void> {
  const runs = Math.max(1, Number(process.argv[2] ?? 20) || 20)
  const header = ['帳票', 'cold', 'warm 中央値', 'warm min–max', 'サイズ', 'ページ', '同一出力', '予算']
  const rows: string[][] = []

  for (const [i, c] of CASES.entries()) {
    const cold = coldMs(i)
    const first = await renderPdf(c.build())
    const warm: number[] = []
    let last = first
    for (let k = 0; k < runs; k++) {
      const t = performance.now()
      last = await renderPdf(c.build())
      warm.push(performance.now() - t)
    }
    const med = median(warm)
    const kb = first.length / 1024
    const budget = c.onePage ? (med < 150 && kb < 100 && pages(first) === 1 ? 'OK' : 'NG') : '—'
    rows.push([
      c.name,
      `${cold.toFixed(0)} ms`,
      `${med.toFixed(1)} ms`,
      `${Math.min(...warm).toFixed(1)}–${Math.max(...warm).toFixed(1)} ms`,
      `${kb.toFixed(1)} KB`,
      String(pages(first)),
      first.equals(last) ? 'yes' : 'NO',
      budget,
    ])
  }

  const widths = header.map((h, j) => Math.max(cols(h), ...rows.map((r) => cols(r[j]!))))
  const line = (r: string[]) => r.map((cell, j) => (j === 0 ? padEnd(cell, widths[j]!) : padStart(cell, widths[j]!))).join('  ')
  console.log(`帳票の生成時間・サイズ（warm: n=${runs}、Node ${process.version}）`)
  console.log(line(header))
  console.log(widths.map((w) => '-'.repeat(w)).join('  '))
  for (const r of rows) console.log(line(r))
  console.log('予算（1ページの帳票）: warm 中央値 150 ms 未満・100 KB 未満・1ページ')
}

const coldArg = process.argv.indexOf('--cold')
const run = coldArg >= 0 ? coldChild(Number(process.argv[coldArg + 1])) : main()
run.catch((e: unknown) => {
  console.error(e)
  process.exitCode = 1
})
