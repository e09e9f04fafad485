// What verifying the ledger's journal costs (issue 15). Not a test: run it by hand.
//   npm run bench:verify -- [entries=1000000] [after=100]
// Builds a production ledger in a temporary folder whose journal holds `entries` entries (each a
// command that wrote one customer row and its audit row, appended by the same code the app uses),
// then times: the full verification (npm run ledger:verify, every backup), the check at start with
// nothing new since the last one, and with `after` new entries since. Prints the peak RSS too: the
// verification streams through SQLite, so memory must not grow with the ledger.
import fs from 'node:fs'
import { embeddedContext } from '../../electron/main/context'
import os from 'node:os'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { ledgerTransaction } from '../../db/journal'
import { saveCheckpoint, verifyLedger } from '../../db/verify'
import { openApp } from '../../electron/main/ledger'
import { writeAudit } from '../../electron/main/audit'
import { verifyInWorker } from '../../electron/main/verifyInWorker'

const n = Number(process.argv[2] ?? 1_000_000)
const after = Number(process.argv[3] ?? 100)
let peakRss = 0
const sample = () => (peakRss = Math.max(peakRss, process.memoryUsage().rss))

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'otp-verify-bench-'))
  const ctx = embeddedContext(await openApp({ dataDir: dir, demo: false, transport: 'ipc', version: 'bench', autoBackup: false, backgroundVerify: false }))
  const s = ctx.sqlite
  s.pragma('synchronous = OFF') // building only; the measured part reads
  s.prepare("INSERT INTO branches(code, name) VALUES ('001', '本店営業部')").run()
  const ins = s.prepare(`INSERT INTO customers(branch_id, name_kanji, name_kana, kana_key, birth_date, postal_code, address, phone,
    account_branch_code, account_type, account_number, ib_contract_id, otp_status, status_changed_at, created_at, updated_at)
    VALUES (1, '試験 太郎', 'シケン　タロウ', 'シケンタロウ', '1980-01-01', '100-0001', '東京都千代田区千代田1-1', '03-1234-5678',
    '001', 'ordinary', ?, ?, 'in_use', ?, ?, ?)`)
  const command = (i: number) =>
    ledgerTransaction(s, async () => {
      const at = new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString()
      ins.run(String(i).padStart(7, '0'), String(9_000_000_000 + i), at, at, at)
      await writeAudit(ctx.db, { at, actorId: null, actorLoginId: 'bench', action: 'bench.customer', outcome: 'ok', target: `customer:${i}` })
    })
  const t0 = performance.now()
  for (let i = 0; i < n; i++) {
    await command(i)
    if (i % 50_000 === 0) {
      sample()
      if (i) console.log(`  ${i.toLocaleString()} entries, ${((performance.now() - t0) / 1000).toFixed(0)} s`)
    }
  }
  const built = (performance.now() - t0) / 1000
  s.pragma('wal_checkpoint(TRUNCATE)')
  const size = fs.statSync(path.join(dir, 'ledger.sqlite')).size / 1024 ** 2
  console.log(`ledger: ${n.toLocaleString()} journal entries (+${n.toLocaleString()} customers), ${size.toFixed(0)} MB, built in ${built.toFixed(0)} s`)

  const timed = <T>(label: string, fn: () => T): T => {
    const t = performance.now()
    const r = fn()
    sample()
    console.log(`${label}: ${(performance.now() - t).toFixed(0)} ms`)
    return r
  }
  const full = timed('full verification', () => verifyLedger(s, { mode: 'full' }))
  if (!full.ok) throw new Error('the bench ledger does not verify')
  saveCheckpoint(s, full)
  // What integrity.verify does now: the same in a worker thread; the main thread's longest stall
  // meanwhile is how long another terminal's call could have waited.
  let last = performance.now()
  let stall = 0
  const beat = setInterval(() => {
    const t = performance.now()
    stall = Math.max(stall, t - last)
    last = t
  }, 10)
  const tw = performance.now()
  const inWorker = await verifyInWorker({ file: s.name, now: new Date().toISOString() })
  clearInterval(beat)
  if (!inWorker.ok) throw new Error('the bench ledger does not verify in the worker')
  console.log(`full verification in the worker: ${(performance.now() - tw).toFixed(0)} ms, longest main-thread stall meanwhile ${stall.toFixed(0)} ms`)
  const idle = timed('check at start, nothing new', () => verifyLedger(s, { mode: 'incremental' }))
  if (!idle.ok) throw new Error('start check failed')
  for (let i = n; i < n + after; i++) await command(i)
  const inc = timed(`check at start, ${after} new entries`, () => verifyLedger(s, { mode: 'incremental' }))
  if (!inc.ok || inc.entriesChecked !== after) throw new Error('start check failed')
  console.log(`peak RSS: ${(peakRss / 1024 ** 2).toFixed(0)} MB`)
  s.close()
  fs.rmSync(dir, { recursive: true, force: true })
}

main().catch((err: unknown) => {
  console.error(err)
  process.exit(1)
})
