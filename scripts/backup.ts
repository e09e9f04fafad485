// `npm run backup -- --data-dir=PATH [--out=DIR]`: a consistent copy of the ledger, safe while the
// app is running (SQLite's online backup over WAL), written as ledger-manual-<UTC stamp>.sqlite
// into <data folder>/backups (or --out), then checked with PRAGMA integrity_check.
import path from 'node:path'
import { backupLedger } from '../db/migrate'
import { openSqlite } from '../db/open'

const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=').slice(1).join('=')
const dataDir = arg('data-dir') ?? process.env.OTP_DATA_DIR
if (!dataDir) {
  console.error('Usage: npm run backup -- --data-dir=<the ledger folder> [--out=<folder>]')
  process.exit(2)
}
const src = openSqlite(path.join(path.resolve(dataDir), 'ledger.sqlite'), { readonly: true })
const file = backupLedger(src, path.resolve(arg('out') ?? path.join(dataDir, 'backups')), 'manual')
src.close()
const copy = openSqlite(file, { readonly: true })
const check = copy.pragma('integrity_check', { simple: true })
copy.close()
if (check !== 'ok') {
  console.error(`Backup written but integrity check failed: ${String(check)}`)
  process.exit(1)
}
console.log(`Backup written and verified: ${file}`)
