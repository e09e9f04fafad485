// The 日次取扱一覧 is rendered in a worker thread (electron/main/journalPdfInWorker.ts): the same data
// must give the very bytes the main thread renders (renders are reproducible), the main thread must
// stay free meanwhile, and a failure in the worker must come back as an error the dispatcher maps
// as it maps the same failure in the main thread.

import { describe, expect, it } from 'vitest'
import { renderDailyJournalInWorker } from '../../../electron/main/journalPdfInWorker'
import { storageFailureCode } from '../../../electron/main/failures'
import { dailyJournalDefinition } from '../../../forms/dailyJournal'
import { renderPdf } from '../../../forms/render'
import type { DailyJournalData } from '../../../forms/types'
import { emptyJournal, journalOfRows, sampleJournal, worstCaseJournal } from '../../unit/forms/daily-journal.fixtures'

const DIGEST = { count: 12345, hash: 'ab12cd34ef56ab78cd90ef12ab34cd56ef78ab90cd12ef34ab56cd78ef90ab12' }

describe('日次取扱一覧 rendered in a worker thread', () => {
  it.each<[string, () => DailyJournalData]>([
    ['a sample day with warnings and the digest', () => sampleJournal({ ledgerDigest: DIGEST })],
    ['an empty day', emptyJournal],
    ['the worst case (long names, every warning)', worstCaseJournal],
    ['a reprint of a 300-line day', () => journalOfRows(300, { reprint: { count: 2 }, ledgerDigest: DIGEST })],
  ])('gives the same bytes as the main thread: %s', async (_, make) => {
    const inWorker = await renderDailyJournalInWorker(make())
    const here = await renderPdf(dailyJournalDefinition(make()))
    expect(Buffer.isBuffer(inWorker)).toBe(true)
    expect(inWorker.length).toBe(here.length)
    expect(inWorker.equals(here)).toBe(true)
  })

  it('leaves the main thread free while it renders a long day', async () => {
    const data = journalOfRows(600)
    // What the same render blocks the main thread for when it runs there (the yardstick, measured
    // on this machine now rather than a fixed time: a loaded machine slows both).
    const t0 = performance.now()
    await renderPdf(dailyJournalDefinition(journalOfRows(600)))
    const inMainThread = performance.now() - t0
    let last = performance.now()
    let longest = 0
    const tick = setInterval(() => {
      const t = performance.now()
      longest = Math.max(longest, t - last)
      last = t
    }, 10)
    try {
      const pdf = await renderDailyJournalInWorker(data)
      expect(pdf.subarray(0, 5).toString()).toBe('%PDF-')
    } finally {
      clearInterval(tick)
    }
    // In the main thread the render holds the event loop for all of it; from a worker no timer waits
    // for more than a fraction of that.
    expect(longest, `longest timer gap ${longest.toFixed(0)} ms; the render in the main thread ${inMainThread.toFixed(0)} ms`).toBeLessThan(inMainThread / 3)
  })

  it('a failure in the worker rejects with the message the main thread would throw, and without a storage code is mapped as INTERNAL', async () => {
    const broken = { ...sampleJournal(), rows: null } as unknown as DailyJournalData
    const err = await renderDailyJournalInWorker(broken).then(
      () => null,
      (e: unknown) => e,
    )
    expect(err).toBeInstanceOf(Error)
    expect(() => dailyJournalDefinition(broken)).toThrow((err as Error).message)
    expect(storageFailureCode(err)).toBeNull()
  })
})
