// `npm run backup -- --data-dir=PATH [--out=DIR]`: a consistent copy of the ledger, safe while the
// app is running (SQLite's online backup over WAL), written as ledger-manual-<UTC stamp>.sqlite
// into <data folder>/backups (or --out), then checked with PRAGMA integrity_check. With --out, the
// archived PDFs the copy records are copied too (into <out>/forms/..., only the new ones), each
// checked against the SHA-256 in the ledger; a recorded PDF that is missing or altered in the data
// folder is reported and makes the exit code 1.
import path from 'node:path'
import { copyArchive, recordedPrints } from '../db/formArchive'
import { backupLedger } from '../db/migrate'
import { openSqlite } from '../db/open'

const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=').slice(1).join('=')
const dataDir = arg('data-dir') ?? process.env.OTP_DATA_DIR
if (!dataDir) {
  console.error('Usage: npm run backup -- --data-dir=<the ledger folder> [--out=<folder>]')
  process.exit(2)
}
const out = arg('out')
const src = openSqlite(path.join(path.resolve(dataDir), 'ledger.sqlite'), { readonly: true })
const file = backupLedger(src, path.resolve(out ?? path.join(dataDir, 'backups')), 'manual')
src.close()
const copy = openSqlite(file, { readonly: true })
const check = copy.pragma('integrity_check', { simple: true })
const prints = recordedPrints(copy)
copy.close()
if (check !== 'ok') {
  console.error(`Backup written but integrity check failed: ${String(check)}`)
  process.exit(1)
}
console.log(`Backup written and verified: ${file}`)

if (out) {
  const r = copyArchive(prints, path.resolve(dataDir), path.resolve(out))
  console.log(`Archived PDFs: ${prints.length} recorded, ${r.copied} copied to ${path.resolve(out, 'forms')}, ${prints.length - r.copied - r.missing.length - r.mismatched.length} already there`)
  for (const f of r.missing) console.error(`MISSING  ${f}`)
  for (const f of r.mismatched) console.error(`ALTERED  ${f}`)
  if (r.missing.length || r.mismatched.length) process.exit(1)
}
