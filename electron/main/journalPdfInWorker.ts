// Renders the 日次取扱一覧 PDF (forms/dailyJournal.ts, forms/render.ts) in a worker thread
// (journalPdfWorker.ts) that ends when the document is done. A branch's day of 2,000 lines takes
// pdfkit ~2 s of CPU and ~100 MB of heap (a layout of every distinct text, the font's glyphs): in
// the main process that blocked its event loop (every IPC answer) for the whole render, and the
// pages V8 grew for it stayed in the process's resident memory afterwards (~300 MB at 1M customers
// against ~200 MB now). The worker's heap goes with the worker. The cost: pdfmake and the fonts are
// loaded for each render (~0.5 s more per journal).
//
// What crosses is the journal's data (plain, structured-cloneable), not the definition: the
// definition holds functions (table layouts, the footer). The worker builds the same definition
// from the same data and renders it with the same renderPdf, so the bytes are those the main thread
// would have made (tests/integration/pdf/daily-journal-worker.test.ts). The counter forms (small)
// stay in the main thread, warmed up at start (warmUpPdf).
//
// Where the worker is: as for the verification worker (verifyInWorker.ts), electron-vite builds it
// beside the main bundle (out/main/journalPdfWorker.js, electron.vite.config.ts); the browser
// preview and the tests run the sources through tsx, so the worker is the .ts file beside this one,
// loaded with tsx's CommonJS hook.
import { startWorkerThread } from './workerThread'
import type { DailyJournalData } from '../../forms/types'

/** Far above the ~3 s of a 2,000-line day on a slow machine. */
const RENDER_TIMEOUT_MS = 120_000

export type JournalPdfJobMessage =
  | { type: 'done'; pdf: ArrayBuffer; byteOffset: number; byteLength: number }
  | { type: 'error'; code: string | null; syscall: string | null; message: string }

/** The 日次取扱一覧 of `data` as PDF bytes, rendered in a worker thread of its own. An error in the
 * worker rejects with its message and its code (and system call), so the dispatcher maps it as it
 * maps the same error thrown in the main thread (a font file that cannot be read: STORAGE_ERROR;
 * anything else: INTERNAL). */
export function renderDailyJournalInWorker(data: DailyJournalData): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const worker = startWorkerThread('journalPdfWorker', data)
    // Settled once the thread has ended, so that when the caller goes on the worker's heap has gone
    // back to the system; the thread is ended as soon as its answer is in, and one that does not
    // answer within RENDER_TIMEOUT_MS is stopped (the print then fails instead of waiting forever).
    let outcome: { pdf: Buffer } | { err: Error } | null = null
    const timer = setTimeout(() => {
      outcome ??= { err: new Error(`the journal PDF worker did not answer within ${RENDER_TIMEOUT_MS} ms`) }
      void worker.terminate()
    }, RENDER_TIMEOUT_MS)
    worker.on('message', (m: JournalPdfJobMessage) => {
      if (m.type === 'done') outcome = { pdf: Buffer.from(m.pdf, m.byteOffset, m.byteLength) }
      else
        outcome = {
          err: Object.assign(new Error(m.message), {
            ...(m.code !== null ? { code: m.code } : {}),
            ...(m.syscall !== null ? { syscall: m.syscall } : {}),
          }),
        }
      void worker.terminate()
    })
    worker.on('error', (err) => {
      outcome ??= { err }
    })
    worker.on('exit', (code) => {
      clearTimeout(timer)
      if (outcome && 'pdf' in outcome) resolve(outcome.pdf)
      else reject(outcome?.err ?? new Error(`the journal PDF worker stopped (exit ${code})`))
    })
  })
}
