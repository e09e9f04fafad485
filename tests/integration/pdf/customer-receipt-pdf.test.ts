// Renders the お客さま控 to a real PDF and reads it back with Poppler (pdftotext, pdffonts, pdfinfo,
// pdftoppm). PNGs land in artifacts/forms/ (gitignored) for a human to look at.

import { describe, expect, it } from 'vitest'
import { customerReceiptDefinition } from '../../../forms/customerReceipt'
import { renderPdf } from '../../../forms/render'
import { REQUEST_KINDS } from '../../../shared/status'
import { FULL_ACCOUNT_NUMBER, sampleReceipt, worstCaseReceipt } from '../../unit/forms/customer-receipt.fixtures'
import {
  expectOneA4PageUnder100KB,
  expectOnlyEmbeddedJapaneseFont,
  pdfText,
  pdfWorkspace,
  poppler,
  qrCodes,
  snapshotPngs,
  squeeze,
} from './poppler'

const ws = pdfWorkspace('customer-receipt-')
const renderToFile = (name: string, data = sampleReceipt()) => ws.render(name, customerReceiptDefinition(data))

describe('お客さま控 PDF', () => {
  it('carries the customer, the request kind and the receipt number as text', async () => {
    const { file } = await renderToFile('new_application')
    const text = pdfText(file)
    const squeezed = squeeze(text)
    expect(squeezed).toContain('山田太郎')
    expect(text).toContain('新規申込')
    expect(text).toContain('001-20261121-0003')
    expect(text).toContain('令和8年11月21日（2026年11月21日）')
    expect(text).toContain('***4321')
    expect(squeezed).toContain('当組合の職員がお客さまのパスワードやワンタイムパスワードをお尋ねすることはありません。')
    expect(squeezed).toContain('「@otp-auth.net」')
    expect(text).not.toContain(FULL_ACCOUNT_NUMBER)
    expect(text).not.toContain('再発行')
    snapshotPngs(file, 'customer-receipt-new_application')
  })

  it('has a QR code that a scanner reads as the 受付番号', async () => {
    const { file } = await renderToFile('qr')
    expect(qrCodes(file)).toEqual(['001-20261121-0003'])
  })

  it('embeds the Japanese font as a subset, and no other font', async () => {
    const { file } = await renderToFile('fonts')
    expectOnlyEmbeddedJapaneseFont(file)
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
    expect(pdfText(file)).toContain('再発行（2回目）')
    snapshotPngs(file, 'customer-receipt-reprint')
  })

  it.each(REQUEST_KINDS)('%s fits on one A4 page even with the longest content', async (kind) => {
    const { file, bytes } = await renderToFile(`worst-${kind}`, worstCaseReceipt(kind))
    expectOneA4PageUnder100KB(file, bytes)
    const squeezed = squeeze(pdfText(file))
    expect(squeezed).toContain('勅使河原右京之介左衛門三郎兵衛')
    expect(squeezed).toContain('***0001')
    snapshotPngs(file, `customer-receipt-worst-${kind}`)
  })
})
