// `npm run ledger:pg-migrate -- --url=postgres://otp_owner@host/otp --app-role=otp_app [--backup-taken]`
// Migrates the PostgreSQL ledger (db/pg/migrate.ts), connected as the owner role; the application
// role's grants are applied with each migration. The URL may also come from OTP_PG_OWNER_URL (keep
// the password out of the command line: PGPASSWORD or ~/.pgpass, as every libpq tool). A ledger that
// already has a schema is changed only with --backup-taken, after a pg_dump (README). Exit code 0
// when the ledger is at this app's version, 1 when refused or failed, 2 for a usage error.
import pg from 'pg'
import { AppError } from '../shared/errors'
import { migratePg } from '../db/pg/migrate'

const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=').slice(1).join('=')

async function main(): Promise<number> {
  const url = arg('url') ?? process.env.OTP_PG_OWNER_URL
  const appRole = arg('app-role') ?? 'otp_app'
  if (!url) {
    console.error('Usage: npm run ledger:pg-migrate -- --url=postgres://<owner role>@<host>/<database>?sslmode=verify-full [--app-role=otp_app] [--backup-taken]')
    return 2
  }
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    const r = await migratePg(client, { appRole, backupTaken: process.argv.includes('--backup-taken') })
    console.log(r.from === r.to ? `The ledger is at version ${r.to}: nothing to do.` : `Migrated the ledger from version ${r.from} to ${r.to}.`)
    return 0
  } catch (e) {
    if (e instanceof AppError) console.error(`${e.message} (${e.code})`)
    else console.error(e instanceof Error ? e.message : String(e))
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
