// Renders a pdfmake document definition to PDF bytes in Node (Electron main, tests, bench).
// The only part of forms/ that does I/O: pdfkit reads the font files named by fonts.ts.
//
// Output is reproducible: pdfkit derives the file ID from the info dictionary and the font subset
// tag from the font's resource name, so with creationDate taken from the definition (forms set it
// from their data) the same definition gives the same bytes.

import fs from 'node:fs'
import { createRequire } from 'node:module'
import type { TDocumentDefinitions, TDocumentInformation } from 'pdfmake/interfaces'
import { JP_FONT_FAMILY, japaneseFontDictionary, resolveJapaneseFontFiles } from './fonts'

/** pdfmake in Node, with the in-memory file system it reads fonts from (untyped in @types/pdfmake). */
type PdfMake = typeof import('pdfmake') & { virtualfs: { writeFileSync(name: string, data: Buffer): void } }

/** Creator / Producer written into every form's metadata unless the definition says otherwise. */
export const PDF_CREATOR = '窓口OTP事務'
export const PDF_PRODUCER = '窓口OTP事務 (pdfmake)'

let pdfmakeInstance: PdfMake | null = null

/** Names of the fonts in pdfmake's in-memory file system (not paths: no file is read per print). */
const FONT_NAMES = { regular: 'NotoSansJP-Regular.ttf', bold: 'NotoSansJP-Bold.ttf' } as const

function loadPdfMake(): PdfMake {
  if (pdfmakeInstance) return pdfmakeInstance
  // pdfmake is CommonJS and exports an instance (`module.exports = new pdfmake()`); require it
  // rather than import it so the methods are reachable from ESM, CJS bundles and vitest alike.
  const require = createRequire(import.meta.url)
  const pm = require('pdfmake') as PdfMake
  // The 5 MB font files are read once per process into pdfmake's virtual file system; each print
  // takes the bytes from there instead of reading both files again.
  const files = resolveJapaneseFontFiles()
  pm.virtualfs.writeFileSync(FONT_NAMES.regular, fs.readFileSync(files.regular))
  pm.virtualfs.writeFileSync(FONT_NAMES.bold, fs.readFileSync(files.bold))
  // Forms are self-contained: no downloads, and no local file at all (the fonts are in memory).
  pm.setUrlAccessPolicy(() => false)
  pm.setLocalAccessPolicy(() => false)
  pdfmakeInstance = pm
  return pm
}

/**
 * Deep copy of a definition. pdfmake writes layout state into the nodes it lays out (and turns a
 * static footer into a function), so a definition must not be rendered twice; copying keeps the
 * caller's object intact. Functions (table layouts, dynamic headers) and binary data are shared.
 */
function cloneDefinition<T>(value: T): T {
  if (Array.isArray(value)) return value.map((v: unknown) => cloneDefinition(v)) as T
  if (value === null || typeof value !== 'object') return value
  if (value instanceof Date || ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return value
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(value)) out[k] = cloneDefinition(v)
  return out as T
}

/** Metadata with the house defaults; ModDate follows CreationDate so nothing depends on the clock. */
function withDefaultInfo(info: TDocumentInformation | undefined): TDocumentInformation {
  const out: TDocumentInformation = { creator: PDF_CREATOR, producer: PDF_PRODUCER, ...info }
  if (out.creationDate && !out.modDate) out.modDate = out.creationDate
  return out
}

/** Renders a document definition (from one of the form functions) to PDF bytes. */
export async function renderPdf(def: TDocumentDefinitions): Promise<Buffer> {
  const pm = loadPdfMake()
  // A fresh dictionary each time: pdfmake rewrites the entries it is given while resolving them.
  pm.setFonts(japaneseFontDictionary(FONT_NAMES))
  const copy = cloneDefinition(def)
  copy.info = withDefaultInfo(def.info)
  return pm.createPdf(copy).getBuffer()
}

/**
 * Loads pdfmake and the fonts and renders a small page in both weights, so that the first print a
 * teller asks for costs what every later one does. Call it once the window is shown (it takes a
 * few hundred milliseconds of the main process, at a moment nobody waits for it); a failure here
 * is left for the real print to report.
 */
export async function warmUpPdf(): Promise<void> {
  try {
    await renderPdf({
      content: [{ text: '窓口OTP事務 受付番号 001-20260101-0001' }, { text: 'お客さま控', bold: true }],
      defaultStyle: { font: JP_FONT_FAMILY },
      info: { creationDate: new Date(0) },
    })
  } catch {
    // The print itself will say what is wrong.
  }
}
