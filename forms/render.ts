// Renders a pdfmake document definition to PDF bytes in Node (Electron main, tests, bench).
// The only part of forms/ that does I/O: pdfkit reads the font files named by fonts.ts.
//
// Output is reproducible: pdfkit derives the file ID from the info dictionary and the font subset
// tag from the font's resource name, so with creationDate taken from the definition (forms set it
// from their data) the same definition gives the same bytes.

import { createRequire } from 'node:module'
import type { TDocumentDefinitions, TDocumentInformation } from 'pdfmake/interfaces'
import { japaneseFontDictionary, resolveJapaneseFontFiles } from './fonts'

type PdfMake = typeof import('pdfmake')

/** Creator / Producer written into every form's metadata unless the definition says otherwise. */
export const PDF_CREATOR = '窓口OTP事務'
export const PDF_PRODUCER = '窓口OTP事務 (pdfmake)'

let pdfmakeInstance: PdfMake | null = null

function loadPdfMake(): PdfMake {
  if (pdfmakeInstance) return pdfmakeInstance
  // pdfmake is CommonJS and exports an instance (`module.exports = new pdfmake()`); require it
  // rather than import it so the methods are reachable from ESM, CJS bundles and vitest alike.
  const require = createRequire(import.meta.url)
  const pm = require('pdfmake') as PdfMake
  const files = resolveJapaneseFontFiles()
  const allowed = new Set([files.regular, files.bold])
  // Forms are self-contained: no downloads, and no local file other than the fonts.
  pm.setUrlAccessPolicy(() => false)
  pm.setLocalAccessPolicy((p) => allowed.has(p))
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
  pm.setFonts(japaneseFontDictionary())
  const copy = cloneDefinition(def)
  copy.info = withDefaultInfo(def.info)
  return pm.createPdf(copy).getBuffer()
}
