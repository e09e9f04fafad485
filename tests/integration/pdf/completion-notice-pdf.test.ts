// Renders the 処理完了のお知らせ to a real PDF and reads it back with Poppler. PNGs land in
// artifacts/forms/ (gitignored) for a human to look at.

import { describe, expect, it } from 'vitest'
import { completionNoticeDefinition } from '../../../forms/completionNotice'
import { renderPdf } from '../../../forms/render'
import { REQUEST_KINDS } from '../../../shared/status'
import { FULL_ACCOUNT_NUMBER, sampleNotice, worstCaseNotice } from '../../unit/forms/completion-notice.fixtures'
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

const ws = pdfWorkspace('completion-notice-')
const renderToFile = (name: string, data = sampleNotice('cancellation')) => ws.render(name, completionNoticeDefinition(data))

describe('処理完了のお知らせ PDF', () => {
  it('carries the title, the customer, the dates and the next steps as searchable text', async () => {
    const { file } = await renderToFile('cancellation')
    const text = pdfText(file)
    const squeezed = squeeze(text)
    expect(squeezed).toContain('ワンタイムパスワード処理完了のお知らせ')
    expect(squeezed).toContain('お客さま控')
    expect(squeezed).toContain('山田太郎様')
    expect(text).toContain('001-20261121-0003')
    expect(text).toContain('ご利用解除')
    expect(text).toContain('***4321')
    expect(squeezed).toContain('令和8年11月22日（2026年11月22日）以降')
    expect(squeezed).toContain('当組合の職員がお客さまのパスワードやワンタイムパスワードをお尋ねすることはありません。')
    expect(text).not.toContain(FULL_ACCOUNT_NUMBER)
    expect(text).not.toContain('再発行')
    snapshotPngs(file, 'completion-notice-cancellation')
  })

  it('has a QR code that a scanner reads as the 受付番号', async () => {
    const { file } = await renderToFile('qr')
    expect(qrCodes(file)).toEqual(['001-20261121-0003'])
  })

  it('embeds the Japanese font as a subset, and no other font', async () => {
    const { file } = await renderToFile('fonts', worstCaseNotice('new_application'))
    expectOnlyEmbeddedJapaneseFont(file)
  })

  it('gives the same bytes for the same data, dated at the approval', async () => {
    const def = completionNoticeDefinition(sampleNotice('unlock'))
    const a = await renderPdf(def)
    const b = await renderPdf(completionNoticeDefinition(sampleNotice('unlock')))
    expect(a.equals(b)).toBe(true)
    const { file } = await renderToFile('metadata', sampleNotice('unlock'))
    const info = poppler('pdfinfo', ['-isodates', file])
    expect(info).toMatch(/^CreationDate:\s+2026-11-21T05:42:10/m)
    expect(info).toMatch(/^Title:\s+ワンタイムパスワード　処理完了のお知らせ（閉塞解除）001-20261121-0003/m)
  })

  it('prints 再発行 on a reprint', async () => {
    const { file } = await renderToFile('reprint', sampleNotice('suspension', { reprint: { count: 2 } }))
    expect(pdfText(file)).toContain('再発行（2回目）')
    snapshotPngs(file, 'completion-notice-reprint')
  })

  it.each(REQUEST_KINDS)('%s fits on one A4 page under 100 KB even with the longest content', async (kind) => {
    const { file, bytes } = await renderToFile(`worst-${kind}`, worstCaseNotice(kind))
    expectOneA4PageUnder100KB(file, bytes)
    const squeezed = squeeze(pdfText(file))
    expect(squeezed).toContain('勅使河原右京之介左衛門三郎兵衛様')
    expect(squeezed).toContain('***0001')
    expect(squeezed).toContain('再発行（12回目）')
    snapshotPngs(file, `completion-notice-worst-${kind}`)
  })
})
