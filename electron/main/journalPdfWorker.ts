// The worker thread that renders one 日次取扱一覧 PDF (journalPdfInWorker.ts starts it): builds the
// definition from the journal's data (a pure function) and renders it with renderPdf, posts the
// bytes (the buffer transferred, not copied) and ends, so pdfkit's heap for the document goes back
// to the system with the thread. Built by electron-vite as out/main/journalPdfWorker.js beside the
// main bundle; run from the source (the browser preview, tests) through tsx.
import { parentPort, workerData } from 'node:worker_threads'
import { dailyJournalDefinition } from '../../forms/dailyJournal'
import { renderPdf } from '../../forms/render'
import type { DailyJournalData } from '../../forms/types'
import type { JournalPdfJobMessage } from './journalPdfInWorker'

const post = (m: JournalPdfJobMessage, transfer: ArrayBuffer[] = []) => parentPort!.postMessage(m, transfer)

async function run(): Promise<void> {
  try {
    const pdf = await renderPdf(dailyJournalDefinition(workerData as DailyJournalData))
    // A small Buffer may sit in Node's shared pool: only a buffer of its own is transferred.
    const own = pdf.byteOffset === 0 && pdf.byteLength === pdf.buffer.byteLength ? pdf : new Uint8Array(pdf)
    post({ type: 'done', pdf: own.buffer as ArrayBuffer, byteOffset: own.byteOffset, byteLength: own.byteLength }, [own.buffer as ArrayBuffer])
  } catch (err) {
    const e = err as { code?: unknown; syscall?: unknown; message?: unknown }
    post({
      type: 'error',
      code: typeof e?.code === 'string' ? e.code : null,
      syscall: typeof e?.syscall === 'string' ? e.syscall : null,
      message: typeof e?.message === 'string' ? e.message : String(err),
    })
  }
}

void run()
