// Printing a form through the system's print dialog (window.print: Electron opens the OS dialog,
// Chromium its own). The page never sends markup to a printer: each page of the PDF the main
// process built and archived is drawn by pdf.js at print resolution into an image, the images go
// into a print-only container (the app is hidden in print media), one per sheet, each sheet sized
// and oriented like its PDF page (CSS named pages), and the container is removed after printing.
import { MM_PER_PT, openPdf, pageSize, renderPage } from './pdf'

/** Print resolution: 300 dpi gives sharp 8-pt Japanese text on A4 (2480 × 3508 px per page). */
export const PRINT_DPI = 300

const ROOT_ID = 'otp-print-root'
const STYLE_ID = 'otp-print-style'

export interface PrintSheet {
  url: string
  widthMm: number
  heightMm: number
}

function toBlob(canvas: HTMLCanvasElement): Promise<Blob> {
  return new Promise((resolve, reject) =>
    canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('canvas.toBlob failed'))), 'image/png'),
  )
}

/** Every page of the PDF as a PNG at `dpi`, with its paper size. */
export async function rasterizePdf(pdfBase64: string, dpi = PRINT_DPI): Promise<PrintSheet[]> {
  const pdf = await openPdf(pdfBase64)
  const sheets: PrintSheet[] = []
  try {
    for (let n = 1; n <= pdf.numPages; n++) {
      const page = await pdf.getPage(n)
      const { widthPt, heightPt } = pageSize(page)
      const canvas = document.createElement('canvas')
      await renderPage(page, canvas, dpi / 72, 'print').promise
      const blob = await toBlob(canvas)
      canvas.width = canvas.height = 0 // let go of the bitmap at once
      sheets.push({ url: URL.createObjectURL(blob), widthMm: widthPt * MM_PER_PT, heightMm: heightPt * MM_PER_PT })
      page.cleanup()
    }
  } catch (err) {
    for (const s of sheets) URL.revokeObjectURL(s.url)
    throw err
  } finally {
    await pdf.destroy()
  }
  return sheets
}

/** Removes the print container and its style (after printing, or before the next print). */
export function removePrintContainer(): void {
  const root = document.getElementById(ROOT_ID)
  if (root) for (const img of root.querySelectorAll('img')) URL.revokeObjectURL(img.src)
  root?.remove()
  document.getElementById(STYLE_ID)?.remove()
}

const mm = (v: number): string => `${Math.round(v * 100) / 100}mm`
/** A CSS named page per paper size, e.g. otp-210x297 (A4 portrait), otp-297x210 (A4 landscape). */
const pageName = (s: PrintSheet): string => `otp-${Math.round(s.widthMm)}x${Math.round(s.heightMm)}`

function printCss(sheets: PrintSheet[]): string {
  const named = new Map(sheets.map((s) => [pageName(s), s]))
  const first = sheets[0]!
  return [
    `@media screen { #${ROOT_ID} { display: none !important; } }`,
    `@media print {`,
    `  html, body { margin: 0 !important; padding: 0 !important; background: #fff !important; height: auto !important; overflow: visible !important; }`,
    `  body > *:not(#${ROOT_ID}) { display: none !important; }`,
    `  #${ROOT_ID} { display: block !important; }`,
    `  #${ROOT_ID} .otp-print-sheet { overflow: hidden; break-after: page; break-inside: avoid; margin: 0; padding: 0; }`,
    `  #${ROOT_ID} .otp-print-sheet:last-child { break-after: auto; }`,
    `  #${ROOT_ID} img { display: block; width: 100%; height: 100%; }`,
    `}`,
    // The first sheet's size is also the default, for a print path that ignores named pages.
    `@page { size: ${mm(first.widthMm)} ${mm(first.heightMm)}; margin: 0; }`,
    ...[...named].map(([name, s]) => `@page ${name} { size: ${mm(s.widthMm)} ${mm(s.heightMm)}; margin: 0; }`),
  ].join('\n')
}

/** Puts the sheets into a fresh print-only container and waits until every image is decoded. */
export async function mountPrintContainer(sheets: PrintSheet[]): Promise<HTMLElement> {
  removePrintContainer()
  const style = document.createElement('style')
  style.id = STYLE_ID
  style.textContent = printCss(sheets)
  document.head.appendChild(style)

  const root = document.createElement('div')
  root.id = ROOT_ID
  root.dataset.testid = 'print-root'
  root.dataset.pages = String(sheets.length)
  root.setAttribute('aria-hidden', 'true')
  sheets.forEach((s, i) => {
    const sheet = document.createElement('div')
    sheet.className = 'otp-print-sheet'
    sheet.dataset.testid = 'print-sheet'
    sheet.style.width = mm(s.widthMm)
    sheet.style.height = mm(s.heightMm)
    sheet.style.setProperty('page', pageName(s))
    const img = document.createElement('img')
    img.src = s.url
    img.alt = `${i + 1}ページ`
    img.dataset.testid = 'print-page'
    sheet.appendChild(img)
    root.appendChild(sheet)
  })
  document.body.appendChild(root)
  await Promise.all([...root.querySelectorAll('img')].map((img) => img.decode()))
  return root
}

/** Shows the sheets to the printer only and opens the system's print dialog; the container goes
 * once the dialog is done (afterprint), or at the latest when the next print starts. */
export async function printSheets(sheets: PrintSheet[]): Promise<void> {
  if (!sheets.length) throw new Error('nothing to print')
  await mountPrintContainer(sheets)
  window.addEventListener('afterprint', removePrintContainer, { once: true })
  window.print()
}

/** Prints a PDF through the system's print dialog: its pages drawn at print resolution. */
export async function printPdf(pdfBase64: string): Promise<{ pages: number }> {
  const sheets = await rasterizePdf(pdfBase64)
  await printSheets(sheets)
  return { pages: sheets.length }
}
