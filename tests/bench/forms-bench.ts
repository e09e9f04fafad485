// Generation time and size of the print forms. Not a test: run it by hand.
//   npx tsx tests/bench/forms-bench.ts [runs]
// cold = first render in a fresh process (loads pdfmake and parses the fonts for the first time);
// warm = median of the following runs.

import { performance } from 'node:perf_hooks'
import { sampleReceipt } from '../unit/forms/customer-receipt.fixtures'

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  const mid = Math.floor(s.length / 2)
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2
}

const ms = (x: number) => `${x.toFixed(1)} ms`

async function main(): Promise<void> {
  const runs = Math.max(1, Number(process.argv[2] ?? 20) || 20)

  let t = performance.now()
  const { customerReceiptDefinition } = await import('../../forms/customerReceipt')
  const { renderPdf } = await import('../../forms/render')
  const loadMs = performance.now() - t

  const data = sampleReceipt()

  t = performance.now()
  const def = customerReceiptDefinition(data)
  const defMs = performance.now() - t

  t = performance.now()
  const first = await renderPdf(def)
  const coldMs = performance.now() - t

  const warm: number[] = []
  let bytes = first.length
  for (let i = 0; i < runs; i++) {
    t = performance.now()
    const pdf = await renderPdf(customerReceiptDefinition(data))
    warm.push(performance.now() - t)
    bytes = pdf.length
  }

  console.log('お客さま控 (customer receipt), new_application sample')
  console.log(`  module load          ${ms(loadMs)}`)
  console.log(`  definition (cold)    ${ms(defMs)}`)
  console.log(`  render cold          ${ms(coldMs)}`)
  console.log(`  render warm median   ${ms(median(warm))}  (n=${runs}, min ${ms(Math.min(...warm))}, max ${ms(Math.max(...warm))})`)
  console.log(`  size                 ${bytes} bytes (${(bytes / 1024).toFixed(1)} KB)`)
  console.log(`  identical output     ${first.length === bytes && first.equals(await renderPdf(def))}`)
}

main().catch((e: unknown) => {
  console.error(e)
  process.exitCode = 1
})
