// Runs the full verification of the ledger's journal (db/verify.ts) in a worker thread
// (verifyWorker.ts) on its own read-only connection: at 100k entries it takes seconds, during
// which the main process must go on answering every terminal.
//
// Where the worker is: electron-vite builds it beside the main bundle (out/main/verifyWorker.js,
// electron.vite.config.ts); the browser preview and the tests run the sources through tsx, so the
// worker is the .ts file beside this one, loaded with tsx's CommonJS hook (workerThread.ts startWorkerThread).
import { startWorkerThread } from './workerThread'
import type { VerifyReport } from '../../shared/integrity'

export interface VerifyJobInput {
  file: string
  anchor?: { count: number; hash: string } | null
  /** When the verification counts as made (the app's clock). */
  now: string
  /** A pause after each page of 500 entries (the background check), 0 for none. */
  pauseMs?: number
}

export type VerifyJobMessage =
  | { type: 'progress'; checked: number; total: number }
  | { type: 'done'; report: VerifyReport }
  | { type: 'error'; code: string; message: string }

/** Verifies `input.file` in full in a worker; `onProgress` gets (checked, total) now and then. */
export function verifyInWorker(input: VerifyJobInput, onProgress?: (checked: number, total: number) => void): Promise<VerifyReport> {
  return new Promise((resolve, reject) => {
    const worker = startWorkerThread('verifyWorker', input)
    worker.unref() // never keeps a closing app alive
    let settled = false
    worker.on('message', (m: VerifyJobMessage) => {
      if (m.type === 'progress') onProgress?.(m.checked, m.total)
      else if (m.type === 'done') {
        settled = true
        resolve(m.report)
      } else {
        settled = true
        reject(Object.assign(new Error(m.message), { code: m.code }))
      }
    })
    worker.on('error', (err) => {
      if (!settled) reject(err)
      settled = true
    })
    worker.on('exit', (code) => {
      if (!settled) reject(new Error(`the verification worker stopped (exit ${code})`))
      settled = true
    })
  })
}
