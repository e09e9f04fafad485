// `npm run ledger:copy-to-pg -- --from=<data folder or ledger.sqlite> --url=postgres://otp_owner@host/otp [--app-role=otp_app]`
// Moving from one PC to the server (db/pg/copy.ts): copies the SQLite ledger and its archived PDFs
// (the forms/ folder beside it) into an empty PostgreSQL ledger, connected as the owner role,
// verifies counts, content and the journal before it commits, and audits the copy in the copied
// ledger. The source is only read (close the app on that PC first). The URL may also come from
// OTP_PG_OWNER_URL (the password from PGPASSWORD or ~/.pgpass). Exit code 0 when copied, 1 when
// refused or failed (nothing written to the target), 2 for a usage error.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import pg from 'pg'
import { AppError } from '../shared/errors'
import { LEDGER_FILE } from '../db/ledgerFile'
import { CopyRefused, copyToPg } from '../db/pg/copy'

const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=').slice(1).join('=')

async function main(): Promise<number> {
  const from = arg('from') ?? process.env.OTP_DATA_DIR
  const url = arg('url') ?? process.env.OTP_PG_OWNER_URL
  const appRole = arg('app-role') ?? 'otp_app'
  if (!from || !url) {
    console.error(
      'Usage: npm run ledger:copy-to-pg -- --from=<data folder or ledger.sqlite> --url=postgres://<owner role>@<host>/<database>?sslmode=verify-full [--app-role=otp_app]',
    )
    return 2
  }
  const resolved = path.resolve(from)
  const file = fs.existsSync(resolved) && fs.statSync(resolved).isDirectory() ? path.join(resolved, LEDGER_FILE) : resolved
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    const r = await copyToPg({ sqliteFile: file, client, appRole, osUser: os.userInfo().username })
    for (const t of r.tables) console.log(`${t.table}: ${t.rows} rows, sha256 ${t.sha256}`)
    console.log(`archived PDFs: ${r.forms}`)
    console.log(`source ${r.sourceDigest}`)
    console.log(`台帳をサーバーへ移しました（監査ログ ${r.auditId}、仕訳 ${r.digest}、${r.durationMs} ms）。 / Copied; the server ledger's digest is ${r.digest}.`)
    return 0
  } catch (e) {
    if (e instanceof CopyRefused || e instanceof AppError) console.error(`${e.message} (${e.code})`)
    else console.error(`移行できませんでした。移行先には何も書き込んでいません。 (${(e as { code?: string }).code ?? 'ERROR'}: ${e instanceof Error ? e.message : String(e)})`)
    return 1
  } finally {
    await client.end()
  }
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(e instanceof Error ? e.message : String(e))
    process.exit(1)
  },
)
