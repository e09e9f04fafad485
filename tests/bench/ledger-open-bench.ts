// What the start-up check of the ledger costs on a large ledger, beside what a full
// integrity_check would cost (which is why only backups run that one). Not a test: run it by hand.
//   npx tsx tests/bench/ledger-open-bench.ts [customers=1000000] [runs=20]
// Builds a production ledger with that many customers in a temporary folder (once, ~a minute for a
// million), then times the check openApp runs before anything else: the 100-byte header, opening
// the file, reading the schema and one row at each end of every table. Floor: 50 ms (a start that
// costs the user nothing noticeable).
import fs from 'node:fs'
import { embeddedContext } from '../../electron/main/context'
import os from 'node:os'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { inspectLedgerFile, quickCheck } from '../../db/ledgerFile'
import { openSqlite } from '../../db/open'
import { openApp } from '../../electron/main/ledger'
import { addCustomers } from '../helpers/ledgerFiles'

const FLOOR_MS = 50
const n = Number(process.argv[2] ?? 1_000_000)
const runs = Number(process.argv[3] ?? 20)

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'otp-open-bench-'))
  const ctx = embeddedContext(await openApp({ dataDir: dir, demo: false, transport: 'ipc', version: 'bench', autoBackup: false, backgroundVerify: false }))
  ctx.sqlite.prepare("INSERT INTO branches(code, name) VALUES ('001', '本店営業部')").run()
  const t0 = performance.now()
  for (let done = 0; done < n; done += 100_000) addCustomers(ctx.sqlite, Math.min(100_000, n - done), 1, done)
  ctx.sqlite.pragma('wal_checkpoint(TRUNCATE)')
  ctx.sqlite.close()
  const file = path.join(dir, 'ledger.sqlite')
  console.log(`ledger: ${n.toLocaleString()} customers, ${(fs.statSync(file).size / 1024 ** 2).toFixed(0)} MB, built in ${((performance.now() - t0) / 1000).toFixed(1)} s`)

  const times: number[] = []
  for (let i = 0; i < runs; i++) {
    const t = performance.now()
    if (inspectLedgerFile(file).kind !== 'ok') throw new Error('header check failed')
    const db = openSqlite(file)
    quickCheck(db)
    times.push(performance.now() - t)
    db.close()
  }
  times.sort((a, b) => a - b)
  const median = times[Math.floor(times.length / 2)]!
  console.log(`start-up check: median ${median.toFixed(2)} ms, max ${times.at(-1)!.toFixed(2)} ms over ${runs} runs (floor ${FLOOR_MS} ms) ${median <= FLOOR_MS ? 'OK' : 'OVER'}`)

  const db = openSqlite(file, { readonly: true })
  const t = performance.now()
  const r = db.pragma('integrity_check', { simple: true })
  console.log(`for comparison, a full integrity_check: ${(performance.now() - t).toFixed(0)} ms (${String(r)}) — run by every backup, not at start`)
  db.close()
  fs.rmSync(dir, { recursive: true, force: true })
}

void main()
