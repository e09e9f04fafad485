// Renders the 日次取扱一覧 to a real PDF and reads it back with Poppler. PNGs land in artifacts/forms/
// (gitignored) for a human to look at.

import { describe, expect, it } from 'vitest'
import { dailyJournalDefinition } from '../../../forms/dailyJournal'
import { renderPdf } from '../../../forms/render'
import { emptyJournal, journalOfRows, sampleJournal, worstCaseJournal } from '../../unit/forms/daily-journal.fixtures'
import { A4_LANDSCAPE, expectOnlyEmbeddedJapaneseFont, pageCount, pageSizeLine, pdfText, pdfWorkspace, poppler, qrCodes, snapshotPngs, squeeze } from './poppler'

const ws = pdfWorkspace('daily-journal-')
const renderToFile = (name: string, data = sampleJournal()) => ws.render(name, dailyJournalDefinition(data))

const HEADER = /受付番号\s+受付時刻\s+種類\s+お名前\s+口座\s+受付者\s+検印者\s+状態\s+備考/

describe('日次取扱一覧 PDF', () => {
  it('carries the title, counts, rows and warnings as searchable text, on one landscape page for a small day', async () => {
    const { file, bytes } = await renderToFile('sample')
    const text = pdfText(file)
    const squeezed = squeeze(text)
    expect(squeezed).toContain('ワンタイムパスワード日次取扱一覧')
    expect(squeezed).toContain('令和8年11月21日（2026年11月21日）')
    expect(text).toMatch(HEADER)
    expect(text).toContain('001-20261121-0008')
    expect(text).toContain('001 普通 1000001')
    expect(squeezed).toContain('山田太郎')
    expect(squeezed).toContain('30日以内に2回目の閉塞解除（役席確認済）')
    expect(squeezed).toContain('不正利用の疑いにより受付拒否')
    expect(squeezed).toMatch(/作成者役席検印支店長/)
    expect(squeezed).toContain('1/1ページ')
    expect(pageCount(file)).toBe(1)
    expect(pageSizeLine(file)).toMatch(A4_LANDSCAPE)
    expect(bytes.length).toBeLessThan(100 * 1024)
    snapshotPngs(file, 'daily-journal-sample')
  })

  it("prints the ledger's digest: entry count, the hash in groups of four, and a QR code of the whole digest, on page 1 of a normal day", async () => {
    const hash = 'ab12cd34ef56ab78cd90ef12ab34cd56ef78ab90cd12ef34ab56cd78ef90ab12'
    const { file } = await renderToFile('digest', { ...sampleJournal(), ledgerDigest: { count: 12345, hash } })
    snapshotPngs(file, 'daily-journal-digest')
    // Beside the sign-off boxes: the day's rows fit on one page, so does the digest.
    expect(pageCount(file)).toBe(1)
    const text = pdfText(file)
    expect(squeeze(text)).toContain('台帳ダイジェスト')
    expect(squeeze(text)).toContain('（印刷時点）')
    expect(squeeze(text)).toContain('仕訳件数12,345')
    expect(text).toContain('ab12 cd34 ef56 ab78 cd90 ef12 ab34 cd56')
    expect(text).toContain('ef78 ab90 cd12 ef34 ab56 cd78 ef90 ab12')
    expect(squeeze(text)).toMatch(/仕訳件数12,345作成者役席検印支店長/) // the QR code's box beside the stamp boxes
    expect(qrCodes(file, 1)).toEqual([`otp-ledger:1:12345:${hash}`])
  })

  it('a long day has the digest on its last page, with the sign-off boxes', async () => {
    const hash = 'ff'.repeat(32)
    const { file } = await renderToFile('digest-long', journalOfRows(20, { ledgerDigest: { count: 7, hash } }))
    snapshotPngs(file, 'daily-journal-digest-long')
    const pages = pageCount(file)
    expect(pages).toBeGreaterThan(1)
    const last = squeeze(pdfText(file, pages))
    expect(last).toContain('台帳ダイジェスト')
    expect(last).toMatch(/仕訳件数7作成者役席検印支店長/)
    expect(squeeze(pdfText(file, 1))).not.toContain('台帳ダイジェスト')
    expect(qrCodes(file, pages)).toEqual([`otp-ledger:1:7:${hash}`])
  })

  it('embeds the Japanese font as a subset, and no other font', async () => {
    const { file } = await renderToFile('fonts', worstCaseJournal())
    expectOnlyEmbeddedJapaneseFont(file)
  })

  it('runs a 60-row day over several pages with the header repeated and every page numbered', async () => {
    const { file } = await renderToFile('sixty', journalOfRows(60))
    const pages = pageCount(file)
    expect(pages).toBeGreaterThan(1)
    const page2 = pdfText(file, 2)
    expect(page2).toMatch(HEADER)
    expect(squeeze(page2)).toContain(`2/${pages}ページ`)
    // Every row once, in order.
    const all = pdfText(file)
    const numbers = [...all.matchAll(/001-20261121-(\d{4})/g)].map((m) => Number(m[1]))
    expect(numbers).toEqual(Array.from({ length: 60 }, (_, i) => i + 1))
    // The sign-off boxes close the last page.
    expect(squeeze(pdfText(file, pages))).toMatch(/作成者役席検印支店長/)
    snapshotPngs(file, 'daily-journal-60rows')
  })

  it('prints the worst day: long names and notes, many warnings, 再発行', async () => {
    const { file } = await renderToFile('worst', worstCaseJournal())
    const squeezed = squeeze(pdfText(file))
    expect(squeezed).toContain('再発行（12回目）')
    expect(squeezed).toContain('勅使河原右京之介左衛門三郎兵衛')
    expect(squeezed).toContain('366日以内に6回目の閉塞解除（役席未確認）')
    expect(pdfText(file, pageCount(file))).toMatch(/\d+ \/ \d+ ページ/)
    snapshotPngs(file, 'daily-journal-worst')
  })

  it('says so on an empty day', async () => {
    const { file } = await renderToFile('empty', emptyJournal())
    const squeezed = squeeze(pdfText(file))
    expect(squeezed).toContain('この日の取扱いはありません。')
    expect(squeezed).toContain('閉塞解除の注意事項該当なし')
    expect(pageCount(file)).toBe(1)
    snapshotPngs(file, 'daily-journal-empty')
  })

  it('gives the same bytes for the same data, dated when generated', async () => {
    const a = await renderPdf(dailyJournalDefinition(journalOfRows(20)))
    const b = await renderPdf(dailyJournalDefinition(journalOfRows(20)))
    expect(a.equals(b)).toBe(true)
    const { file } = await renderToFile('metadata')
    expect(poppler('pdfinfo', ['-isodates', file])).toMatch(/^CreationDate:\s+2026-11-21T09:02:11/m)
  })
})
