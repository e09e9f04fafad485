// `npm run restore -- --data-dir=PATH [--from=FILE] [--ignore-missing-forms]`: puts a backup back
// as the ledger in one step, with the app closed. Without --from, the newest backup whose check
// passed is used (from OTP_BACKUP_DIR and <data folder>/backups). The backup is verified in full
// first (integrity_check, schema version, the archived PDFs it records); the ledger it replaces
// is kept in <data folder>/replaced/<UTC stamp>/; PDFs missing from the data folder are copied
// back from the backup folder; the restore is written to the restored ledger's audit trail.
import os from 'node:os'
import path from 'node:path'
import { backupDirOf, latestGoodBackup } from '../db/backup'
import { restoreBackup, RestoreRefused } from '../db/restore'
import { LEDGER_FILE } from '../db/ledgerFile'
import { openSqlite, wrapDrizzle } from '../db/open'
import { writeAudit } from '../electron/main/audit'

const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=').slice(1).join('=')
const flag = (name: string) => process.argv.includes(`--${name}`)

function main(): number {
  const dataDir = arg('data-dir') ?? process.env.OTP_DATA_DIR
  if (!dataDir) {
    console.error('Usage: npm run restore -- --data-dir=<the ledger folder> [--from=<backup file>] [--ignore-missing-forms]')
    return 2
  }
  const root = path.resolve(dataDir)
  let from = arg('from')
  if (!from) {
    const latest = latestGoodBackup([backupDirOf(root), path.join(root, 'backups')])
    if (!latest) {
      console.error(`検証済みのバックアップが見つかりません（${backupDirOf(root)}）。--from=<ファイル> で指定してください。`)
      return 1
    }
    from = latest.file
  }
  console.log(`復元するバックアップ / Restoring: ${path.resolve(from)}`)
  const r = restoreBackup({ dataDir: root, backupFile: from, ignoreFormProblems: flag('ignore-missing-forms') })
  const db = openSqlite(path.join(root, LEDGER_FILE))
  writeAudit(wrapDrizzle(db), {
    at: new Date().toISOString(),
    actorId: null,
    actorLoginId: `cli:${os.userInfo().username}`,
    action: 'ledger.restore',
    outcome: 'ok',
    detail: { from: r.restored.name, replacedDir: r.replacedDir, formsCopied: r.formsCopied },
  })
  db.close()
  console.log(`検証: integrity_check ${r.check.integrity}、帳票PDF ${r.check.prints.ok}/${r.check.prints.recorded} 件一致`)
  if (r.replacedDir) console.log(`置き換えた台帳の保管先 / Replaced ledger kept in: ${r.replacedDir}`)
  if (r.formsCopied) console.log(`バックアップから戻した帳票PDF / PDFs copied back: ${r.formsCopied}`)
  console.log('復元しました。アプリを起動してください。 / Restored: start the app.')
  return 0
}

try {
  process.exit(main())
} catch (err) {
  if (err instanceof RestoreRefused) console.error(`復元できません: ${err.message}`)
  else console.error(`復元できませんでした（${(err as { code?: string }).code ?? 'ERROR'}: ${(err as Error).message}）。台帳は置き換えていません。`)
  process.exit(1)
}
