// `npm run staff:unlock -- --data-dir=PATH --login-id=ID`: lifts a lockout from the machine itself,
// for the case no administrator can log in (the last administrator locked out). It needs access to
// the ledger file, is written to the audit trail as done from the command line, and does not
// change any password (an administrator resets that in the app afterwards if needed).
import os from 'node:os'
import path from 'node:path'
import { eq } from 'drizzle-orm'
import { openSqlite } from '../db/open'
import { openedSqliteLedger } from '../db/ledger'
import { staff } from '../db/schema'
import { writeAudit } from '../electron/main/audit'
import { writeTransaction } from '../electron/main/tx'

const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=').slice(1).join('=')
const dataDir = arg('data-dir') ?? process.env.OTP_DATA_DIR
const loginId = arg('login-id')
if (!dataDir || !loginId) {
  console.error('Usage: npm run staff:unlock -- --data-dir=<the ledger folder> --login-id=<職員ID>')
  process.exit(2)
}
const sqlite = openSqlite(path.join(path.resolve(dataDir), 'ledger.sqlite'))
const db = openedSqliteLedger(sqlite).db
void writeTransaction(db, async (tx) => {
  const target = await tx.select().from(staff).where(eq(staff.loginId, loginId)).get()
  if (!target) return false
  await tx.update(staff).set({ lockedAt: null, failedAttempts: 0 }).where(eq(staff.id, target.id)).run()
  await writeAudit(tx, {
    at: new Date().toISOString(),
    actorId: null,
    actorLoginId: `cli:${os.userInfo().username}`,
    action: 'staff.unlock',
    outcome: 'ok',
    target: `staff:${target.id}`,
    detail: { via: 'command line', loginId },
  })
  return true
}).then((done) => {
  sqlite.close()
  if (!done) {
    console.error(`No staff member with the login ID ${loginId}`)
    process.exit(1)
  }
  console.log(`Unlocked ${loginId} (recorded in the audit trail).`)
})
