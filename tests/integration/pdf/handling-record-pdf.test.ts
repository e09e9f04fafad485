// Renders the 取扱記録票 to a real PDF and reads it back with Poppler. PNGs land in artifacts/forms/
// (gitignored) for a human to look at.

import { describe, expect, it } from 'vitest'
import { handlingRecordDefinition } from '../../../forms/handlingRecord'
import { renderPdf } from '../../../forms/render'
import { REQUEST_KINDS } from '../../../shared/status'
import { FULL_ACCOUNT_NUMBER, IB_CONTRACT_ID, sampleRecord, worstCaseRecord } from '../../unit/forms/handling-record.fixtures'
import {
  expectOneA4PageUnder100KB,
  expectOnlyEmbeddedJapaneseFont,
  pageCount,
  pdfText,
  pdfWorkspace,
  poppler,
  qrCodes,
  snapshotPngs,
  squeeze,
} from './poppler'

const ws = pdfWorkspace('handling-record-')
const renderToFile = (name: string, data = sampleRecord('unlock')) => ws.render(name, handlingRecordDefinition(data))

describe('取扱記録票 PDF', () => {
  it('carries the full account, the IB契約者ID, the unlock answers and the stamp boxes as text', async () => {
    const { file, bytes } = await renderToFile('unlock')
    const text = pdfText(file)
    const squeezed = squeeze(text)
    expect(squeezed).toContain('ワンタイムパスワード取扱記録票')
    expect(squeezed).toContain('当組合控')
    expect(text).toContain('001-20261121-0003')
    expect(text).toContain(FULL_ACCOUNT_NUMBER)
    expect(text).toContain(IB_CONTRACT_ID)
    expect(squeezed).toContain('山田太郎')
    expect(squeezed).toContain('閉塞解除確認事項')
    expect(squeezed).toContain('不正利用の疑い')
    expect(squeezed).toContain('今回は2回目です。【役席確認済】')
    expect(squeezed).toMatch(/受付者検印役席/)
    expect(squeezed).toContain('検印一郎')
    expect(squeezed).toContain('出力日時2026/11/2115:30:00')
    expect(squeezed).toContain('1/1ページ')
    expect(pageCount(file)).toBe(1)
    expect(bytes.length).toBeLessThan(100 * 1024)
    snapshotPngs(file, 'handling-record-unlock')
  })

  it('has a QR code that a scanner reads as the 受付番号', async () => {
    const { file } = await renderToFile('qr')
    expect(qrCodes(file)).toEqual(['001-20261121-0003'])
  })

  it('embeds the Japanese font as a subset, and no other font', async () => {
    const { file } = await renderToFile('fonts', worstCaseRecord('unlock'))
    expectOnlyEmbeddedJapaneseFont(file)
  })

  it('gives the same bytes for the same data, dated when printed', async () => {
    const a = await renderPdf(handlingRecordDefinition(sampleRecord('unlock')))
    const b = await renderPdf(handlingRecordDefinition(sampleRecord('unlock')))
    expect(a.equals(b)).toBe(true)
    const { file } = await renderToFile('metadata')
    expect(poppler('pdfinfo', ['-isodates', file])).toMatch(/^CreationDate:\s+2026-11-21T06:30:00/m)
  })

  it('prints 再発行 on a reprint', async () => {
    const { file } = await renderToFile('reprint', sampleRecord('new_application', { reprint: { count: 2 }, state: 'pending_review', reviewedBy: null }))
    expect(pdfText(file)).toContain('再発行（2回目）')
    snapshotPngs(file, 'handling-record-new_application-reprint')
  })

  it.each(REQUEST_KINDS)('%s: one A4 page for a typical request', async (kind) => {
    const { file, bytes } = await renderToFile(`sample-${kind}`, sampleRecord(kind))
    expectOneA4PageUnder100KB(file, bytes)
  })

  it.each(['unlock', 'new_application', 'suspension'] as const)(
    '%s: at most two pages with every text at its maximum, the stamp boxes on the last',
    async (kind) => {
      const { file, bytes } = await renderToFile(`worst-${kind}`, worstCaseRecord(kind))
      const pages = pageCount(file)
      expect(pages).toBeLessThanOrEqual(2)
      expect(bytes.length).toBeLessThan(100 * 1024)
      const last = squeeze(pdfText(file, pages))
      expect(last).toMatch(/受付者検印役席/)
      expect(last).toContain(`${pages}/${pages}ページ`)
      expect(squeeze(pdfText(file))).toContain('勅使河原右京之介左衛門三郎兵衛')
      snapshotPngs(file, `handling-record-worst-${kind}`)
    },
  )
})
