// The worker thread that verifies the ledger's journal in full (verifyInWorker.ts starts it): its
// own read-only connection to the ledger file, one read transaction (WAL: a consistent snapshot
// while the main thread goes on writing), so the main process keeps answering every terminal.
// Built by electron-vite as out/main/verifyWorker.js beside the main bundle; run from the source
// (the browser preview, tests) through tsx.
import { parentPort, workerData } from 'node:worker_threads'
import { openSqlite } from '../../db/open'
import { verifyLedger } from '../../db/verify'
import type { VerifyJobInput, VerifyJobMessage } from './verifyInWorker'

const input = workerData as VerifyJobInput
const post = (m: VerifyJobMessage) => parentPort!.postMessage(m)
const pause = new Int32Array(new SharedArrayBuffer(4))

try {
  const sqlite = openSqlite(input.file, { readonly: true })
  try {
    let lastPost = 0
    const report = verifyLedger(sqlite, {
      mode: 'full',
      anchor: input.anchor ?? undefined,
      now: new Date(input.now),
      onProgress(checked, total) {
        const t = Date.now()
        if (t - lastPost >= 200) {
          lastPost = t
          post({ type: 'progress', checked, total })
        }
        // The background check gives the CPU back between pages (two cores, ten terminals).
        if (input.pauseMs) Atomics.wait(pause, 0, 0, input.pauseMs)
      },
    })
    post({ type: 'done', report })
  } finally {
    sqlite.close()
  }
} catch (err) {
  post({ type: 'error', code: (err as { code?: string }).code ?? 'ERROR', message: (err as Error).message })
}
