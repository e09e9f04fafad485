// Reading rendered forms back with the real Poppler tools (pdftotext, pdffonts, pdfinfo, pdftoppm),
// and their QR codes with ZBar's zbarimg, shared by the forms' PDF tests. PDFs go to a temporary
// folder; PNGs for a human to look at go to artifacts/forms/ (gitignored), never into the repository.

import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { TDocumentDefinitions } from 'pdfmake/interfaces'
import { afterAll, beforeAll, expect } from 'vitest'
import { renderPdf } from '../../../forms/render'

export const ARTIFACTS = fileURLToPath(new URL('../../../artifacts/forms/', import.meta.url))

export function poppler(tool: string, args: string[]): string {
  return execFileSync(tool, args, { encoding: 'utf8' })
}

interface PdfFontRow {
  name: string
  emb: string
  sub: string
  uni: string
}

/** Rows of `pdffonts`: name … emb sub uni objectID gen (the type column may contain spaces). */
export function parsePdfFonts(out: string): PdfFontRow[] {
  return out
    .split('\n')
    .slice(2)
    .filter((l) => l.trim() !== '')
    .map((l) => {
      const cols = l.trim().split(/\s+/)
      const [uni, sub, emb] = cols.slice(-5, -2).reverse()
      return { name: cols[0] ?? '', emb: emb ?? '', sub: sub ?? '', uni: uni ?? '' }
    })
}

/** Every font of the PDF is a subset of Noto Sans JP, embedded, with a Unicode map (selectable text). */
export function expectOnlyEmbeddedJapaneseFont(file: string): void {
  const rows = parsePdfFonts(poppler('pdffonts', [file]))
  expect(rows.length).toBeGreaterThan(0)
  for (const row of rows) {
    expect(row.name).toMatch(/^[A-Z]{6}\+NotoSansJP-(Regular|Bold)$/)
    expect(row).toMatchObject({ emb: 'yes', sub: 'yes', uni: 'yes' })
  }
  expect(rows.map((r) => r.name.split('+')[1])).toContain('NotoSansJP-Regular')
}

export function pageCount(file: string): number {
  const m = /^Pages:\s+(\d+)/m.exec(poppler('pdfinfo', [file]))
  return Number(m?.[1])
}

/** The page size line of pdfinfo: A4 portrait or landscape. */
export function pageSizeLine(file: string): string {
  return /^Page size:.*$/m.exec(poppler('pdfinfo', [file]))?.[0] ?? ''
}

export const A4_PORTRAIT = /^Page size:\s+595\.28 x 841\.89 pts \(A4\)/
export const A4_LANDSCAPE = /^Page size:\s+841\.89 x 595\.28 pts \(A4\)/

/** The budget of a one-page form: exactly one A4 portrait page, under 100 KB. */
export function expectOneA4PageUnder100KB(file: string, bytes: Buffer): void {
  expect(pageCount(file)).toBe(1)
  expect(pageSizeLine(file)).toMatch(A4_PORTRAIT)
  expect(bytes.length).toBeLessThan(100 * 1024)
}

/** pdftotext -layout of the whole file, or of pages from..to. */
export function pdfText(file: string, from?: number, to = from): string {
  const range = from === undefined ? [] : ['-f', String(from), '-l', String(to)]
  return poppler('pdftotext', ['-layout', ...range, file, '-'])
}

/** The text without any whitespace: Japanese lines wrap and pad anywhere. */
export const squeeze = (s: string): string => s.replace(/\s+/g, '')

/** One PNG per page at 60 dpi in artifacts/forms/ (name-1.png, name-2.png …, or name.png for one page). */
export function snapshotPngs(file: string, name: string): void {
  const base = path.join(ARTIFACTS, name)
  const single = pageCount(file) === 1 ? ['-singlefile'] : []
  poppler('pdftoppm', ['-png', '-r', '60', ...single, file, base])
}

/** The QR codes on a page (the first by default) as a scanner reads them: the page drawn at 150 dpi
 * by pdftoppm, then decoded by zbarimg (Debian's zbar-tools). One decoded text per code. */
export function qrCodes(file: string, page = 1): string[] {
  const dir = mkdtempSync(path.join(tmpdir(), 'qr-'))
  try {
    const png = path.join(dir, 'page')
    poppler('pdftoppm', ['-png', '-r', '150', '-f', String(page), '-l', String(page), '-singlefile', file, png])
    // --raw: the data alone; stderr (zbar's D-Bus chatter in a container) is not the answer.
    const out = execFileSync('zbarimg', ['--quiet', '--raw', '-Sdisable', '-Sqrcode.enable', `${png}.png`], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })
    return out.split('\n').filter((l) => l !== '')
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/** A temporary folder for this test file's PDFs, removed afterwards; also creates artifacts/forms/. */
export function pdfWorkspace(prefix: string): { render: (name: string, def: TDocumentDefinitions) => Promise<{ file: string; bytes: Buffer }> } {
  let dir = ''
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), prefix))
    mkdirSync(ARTIFACTS, { recursive: true })
  })
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true })
  })
  return {
    async render(name, def) {
      const bytes = await renderPdf(def)
      const file = path.join(dir, `${name}.pdf`)
      writeFileSync(file, bytes)
      return { file, bytes }
    },
  }
}
