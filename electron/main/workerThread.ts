// Starts one of the main process's worker threads (verifyWorker, journalPdfWorker): the built file
// beside the bundle (electron-vite builds each as out/main/<name>.js, electron.vite.config.ts), or,
// from the sources (the browser preview, the tests), the .ts file beside this one loaded through
// tsx's CommonJS hook only: the parent's `--import tsx` (ESM hooks on a loader thread) is not passed
// on, as it stalled the main thread while the worker ran.
import path from 'node:path'
import { Worker } from 'node:worker_threads'

export function startWorkerThread(name: string, workerData: unknown): Worker {
  if (!__filename.endsWith('.ts')) return new Worker(path.join(__dirname, `${name}.js`), { workerData })
  const file = path.join(__dirname, `${name}.ts`)
  const execArgv = process.execArgv.filter((a, i, all) => !(a.includes('tsx') || (a === '--import' && all[i + 1]?.includes('tsx'))))
  const load = `const r = require('node:module').createRequire(${JSON.stringify(file)}); r('tsx/cjs'); r(${JSON.stringify(file)})`
  return new Worker(load, { eval: true, workerData, execArgv })
}
