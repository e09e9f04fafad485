// `npm run ledger:verify -- --data-dir=PATH [--anchor=otp-ledger:1:<count>:<hash>] [--json]`:
// verifies the ledger's journal in full (db/verify.ts): the SHA-256 chain of every entry, and every
// row of every table against the journal's latest state of it. With --anchor, also that the
// ledger still contains exactly the prefix a digest was taken of (the QR code on a 日次取扱一覧, or
// a digest file an administrator exported). Read only: safe while the app runs. Exit code 0 when
// everything holds, 1 when anything does not (one line per problem), 2 for a usage error.
import fs from 'node:fs'
import path from 'node:path'
import { hasJournal, parseDigest } from '../db/journal'
import { LEDGER_FILE } from '../db/ledgerFile'
import { openSqlite } from '../db/open'
import { describeReport, verifyLedger } from '../db/verify'

const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=').slice(1).join('=')

function main(): number {
  const dataDir = arg('data-dir') ?? process.env.OTP_DATA_DIR
  const file = arg('file') ?? (dataDir ? path.join(path.resolve(dataDir), LEDGER_FILE) : undefined)
  if (!file) {
    console.error('Usage: npm run ledger:verify -- --data-dir=<the ledger folder> [--anchor=otp-ledger:1:<count>:<hash>] [--json]')
    return 2
  }
  const anchorText = arg('anchor')
  const anchor = anchorText ? parseDigest(anchorText) : undefined
  if (anchorText && !anchor) {
    console.error(`--anchor の形式が違います（otp-ledger:1:<件数>:<ハッシュ64桁>）: ${anchorText}`)
    return 2
  }
  if (!fs.existsSync(file)) {
    console.error(`台帳 ${file} がありません。 / No ledger at ${file}`)
    return 1
  }
  const sqlite = openSqlite(file, { readonly: true })
  try {
    if (!hasJournal(sqlite)) {
      console.error('この台帳には仕訳がありません（版 10 より前）。アプリを一度起動して更新してください。')
      return 1
    }
    const report = verifyLedger(sqlite, { mode: 'full', anchor: anchor ?? undefined })
    if (process.argv.includes('--json')) console.log(JSON.stringify(report, null, 2))
    else for (const line of describeReport(report)) (report.ok ? console.log : console.error)(line)
    return report.ok ? 0 : 1
  } finally {
    sqlite.close()
  }
}

try {
  process.exit(main())
} catch (err) {
  console.error(`検証できませんでした (${(err as { code?: string }).code ?? 'ERROR'}: ${(err as Error).message})`)
  process.exit(1)
}
