// `npm run backup -- --data-dir=PATH [--out=DIR]`: a verified backup of the ledger, safe while the
// app is running (SQLite's online backup API), written as ledger-manual-<UTC stamp>.sqlite into
// --out, else OTP_BACKUP_DIR, else <data folder>/backups. The copy is checked in full
// (integrity_check), its journal replayed against its tables (db/verify.ts), and every archived
// PDF it records against its SHA-256; outside the data
// folder the PDFs are copied too (into <out>/forms/..., only the new ones). Any problem (a damaged
// ledger, a missing or altered PDF, a full disk) is said in one line per problem and makes the
// exit code 1; never a stack trace.
import fs from 'node:fs'
import path from 'node:path'
import { backupDirOf, writeBackup } from '../db/backup'
import { LEDGER_FILE } from '../db/ledgerFile'
import { openSqlite } from '../db/open'

const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=').slice(1).join('=')

async function main(): Promise<number> {
  const dataDir = arg('data-dir') ?? process.env.OTP_DATA_DIR
  if (!dataDir) {
    console.error('Usage: npm run backup -- --data-dir=<the ledger folder> [--out=<folder>]')
    return 2
  }
  const root = path.resolve(dataDir)
  const file = path.join(root, LEDGER_FILE)
  if (!fs.existsSync(file)) {
    console.error(`台帳 ${file} がありません。 / No ledger at ${file}`)
    return 1
  }
  const out = arg('out')
  const src = openSqlite(file, { readonly: true })
  let record
  try {
    record = await writeBackup(src, { dir: out ? path.resolve(out) : backupDirOf(root), kind: 'manual', dataDir: root })
  } finally {
    src.close()
  }
  const c = record.check!
  if (c.integrity !== 'ok') {
    console.error(`台帳の破損が見つかりました（integrity_check: ${c.integrity}）。このバックアップは復元に使えません。`)
    console.error(`Backup written to ${record.file} but the ledger FAILED its integrity check: ${c.integrity}`)
    return 1
  }
  const j = c.journal
  if (j && !j.ok) {
    console.error('台帳の仕訳の検証に失敗しました。台帳が書き換えられています（詳細は下記）。このバックアップは書き換え後の台帳の写しです。')
    console.error(`Backup written to ${record.file} but the ledger FAILED its journal verification:`)
    for (const p of j.problems) console.error(`  ${p}`)
    return 1
  }
  console.log(`Backup written and verified: ${record.file}`)
  if (j) console.log(`Journal verified: ${j.entries} entries, digest ${j.digest}`)
  const a = record.archive
  if (a) {
    const there = c.prints.recorded - a.copied - a.missing.length - a.mismatched.length
    console.log(`Archived PDFs: ${c.prints.recorded} recorded, ${a.copied} copied to ${path.join(path.dirname(record.file), 'forms')}, ${there} already there`)
  } else console.log(`Archived PDFs: ${c.prints.recorded} recorded, ${c.prints.ok} present with the recorded SHA-256`)
  // A PDF missing or altered in the data folder is reported even when an earlier backup holds a good copy.
  const missing = new Set([...c.prints.missing, ...(a?.missing ?? [])])
  const altered = new Set([...c.prints.mismatched, ...(a?.mismatched ?? [])])
  for (const f of missing) console.error(`MISSING  ${f}`)
  for (const f of altered) console.error(`ALTERED  ${f}`)
  return c.ok && !missing.size && !altered.size ? 0 : 1
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    const code = (err as { code?: string }).code ?? 'ERROR'
    const hint = code === 'SQLITE_FULL' || code === 'ENOSPC' ? 'ディスクの空き容量が足りません。' : code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB' ? '台帳が破損しています。' : ''
    console.error(`バックアップできませんでした。${hint} (${code}: ${(err as Error).message})`)
    process.exit(1)
  },
)
