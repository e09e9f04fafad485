// Renders the お客さま控 to a real PDF and reads it back with Poppler (pdftotext, pdffonts, pdfinfo,
// pdftoppm). PNGs land in artifacts/forms/ (gitignored) for a human to look at.

import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { customerReceiptDefinition } from '../../../forms/customerReceipt'
import { renderPdf } from '../../../forms/render'
import { REQUEST_KINDS } from '../../../shared/status'
import { FULL_ACCOUNT_NUMBER, sampleReceipt, worstCaseReceipt } from '../../unit/forms/customer-receipt.fixtures'

const ARTIFACTS = fileURLToPath(new URL('../../../artifacts/forms/', import.meta.url))

function poppler(tool: string, args: string[]): string {
  return execFileSync(tool, args, { encoding: 'utf8' })
}

interface PdfFontRow {
  name: string
  emb: string
  sub: string
  uni: string
}

/** Rows of `pdffonts`: name … emb sub uni objectID gen (the type column may contain spaces). */
function parsePdfFonts(out: string): PdfFontRow[] {
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

let dir: string

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'customer-receipt-'))
  mkdirSync(ARTIFACTS, { recursive: true })
})

afterAll(() => {
  rmSync(dir, { recursive: true, force: true })
})

async function renderToFile(name: string, data = sampleReceipt()): Promise<{ file: string; bytes: Buffer }> {
  const bytes = await renderPdf(customerReceiptDefinition(data))
  const file = path.join(dir, `${name}.pdf`)
  writeFileSync(file, bytes)
  return { file, bytes }
}

function pageCount(file: string): number {
  const m = /^Pages:\s+(\d+)/m.exec(poppler('pdfinfo', [file]))
  return Number(m?.[1])
}

function snapshotPng(file: string, name: string): string {
  const base = path.join(ARTIFACTS, name)
  poppler('pdftoppm', ['-png', '-r', '80', '-singlefile', file, base])
  return `${base}.png`
}

describe('お客さま控 PDF', () => {
  it('carries the customer, the request kind and the receipt number as text', async () => {
    const { file } = await renderToFile('new_application')
    const text = poppler('pdftotext', ['-layout', file, '-'])
    const squeezed = text.replace(/\s+/g, '')
    expect(squeezed).toContain('山田太郎')
    expect(text).toContain('新規申込')
    expect(text).toContain('001-20261121-0003')
    expect(text).toContain('令和8年11月21日（2026年11月21日）')
    expect(text).toContain('***4321')
    expect(squeezed).toContain('当組合の職員がお客さまのパスワードやワンタイムパスワードをお尋ねすることはありません。')
    expect(squeezed).toContain('「@otp-auth.net」')
    expect(text).not.toContain(FULL_ACCOUNT_NUMBER)
    expect(text).not.toContain('再発行')
    snapshotPng(file, 'customer-receipt-new_application')
  })

  it('embeds the Japanese font as a subset, and no other font', async () => {
    const { file } = await renderToFile('fonts')
    const rows = parsePdfFonts(poppler('pdffonts', [file]))
    expect(rows.length).toBeGreaterThan(0)
    for (const row of rows) {
      expect(row.name).toMatch(/^[A-Z]{6}\+NotoSansJP-(Regular|Bold)$/)
      expect(row).toMatchObject({ emb: 'yes', sub: 'yes', uni: 'yes' })
    }
    expect(rows.map((r) => r.name.split('+')[1])).toContain('NotoSansJP-Regular')
  })

  it('is small: under 100 KB', async () => {
    const { bytes } = await renderToFile('size')
    expect(bytes.length).toBeLessThan(100 * 1024)
  })

  it('gives the same bytes for the same data, and leaves the definition untouched', async () => {
    const def = customerReceiptDefinition(sampleReceipt())
    const before = JSON.stringify(def)
    const a = await renderPdf(def)
    const b = await renderPdf(def)
    expect(JSON.stringify(def)).toBe(before)
    expect(a.equals(b)).toBe(true)
    const { file } = await renderToFile('metadata')
    const info = poppler('pdfinfo', ['-isodates', file])
    expect(info).toMatch(/^CreationDate:\s+2026-11-21T01:15:03/m)
    expect(info).toMatch(/^Creator:\s+窓口OTP事務/m)
  })

  it('prints 再発行 on a reprint', async () => {
    const { file } = await renderToFile('reprint', sampleReceipt({ reprint: { count: 2 } }))
    expect(poppler('pdftotext', ['-layout', file, '-'])).toContain('再発行（2回目）')
    snapshotPng(file, 'customer-receipt-reprint')
  })

  it.each(REQUEST_KINDS)('%s fits on one A4 page even with the longest content', async (kind) => {
    const { file, bytes } = await renderToFile(`worst-${kind}`, worstCaseReceipt(kind))
    expect(pageCount(file)).toBe(1)
    expect(poppler('pdfinfo', [file])).toMatch(/^Page size:\s+595\.28 x 841\.89 pts \(A4\)/m)
    expect(bytes.length).toBeLessThan(100 * 1024)
    const squeezed = poppler('pdftotext', ['-layout', file, '-']).replace(/\s+/g, '')
    expect(squeezed).toContain('勅使河原右京之介左衛門三郎兵衛')
    expect(squeezed).toContain('***0001')
    snapshotPng(file, `customer-receipt-worst-${kind}`)
  })
})
