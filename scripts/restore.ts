// `npm run restore -- --data-dir=PATH [--from=FILE] [--ignore-missing-forms]`: puts a backup back
// as the ledger in one step, with the app closed. Without --from, the newest backup whose check
// passed is used (from OTP_BACKUP_DIR and <data folder>/backups). The backup is verified in full
// first (integrity_check, schema version, the archived PDFs it records); the ledger it replaces
// is kept in <data folder>/replaced/<UTC stamp>/; PDFs missing from the data folder are copied
// back from the backup folder; the restored ledger is opened and migrated as the app would, and
// the restore is written to its audit trail and to logs/app.log. (The app itself restores from
// the administrator's screen: electron/main/services/restore.ts, the same steps.)
import os from 'node:os'
import path from 'node:path'
import { backupDirOf, latestGoodBackup } from '../db/backup'
import { RestoreRefused } from '../db/restore'
import { createLogger } from '../electron/main/logger'
import { restoreAndOpen } from '../electron/main/services/restore'
import { AppError } from '../shared/errors'

const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=').slice(1).join('=')
const flag = (name: string) => process.argv.includes(`--${name}`)

async function main(): Promise<number> {
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
  const logger = createLogger(root)
  const { result: r, sqlite } = await restoreAndOpen({
    dataDir: root,
    backupFile: path.resolve(from),
    actor: { staffId: null, loginId: `cli:${os.userInfo().username}` },
    action: 'ledger.restore',
    clock: () => new Date(),
    logger,
    ignoreFormProblems: flag('ignore-missing-forms'),
  })
  sqlite.pragma('wal_checkpoint(TRUNCATE)')
  sqlite.close()
  console.log(`検証: integrity_check ${r.check.integrity}、帳票PDF ${r.check.prints.ok}/${r.check.prints.recorded} 件一致`)
  if (r.replacedDir) console.log(`置き換えた台帳の保管先 / Replaced ledger kept in: ${r.replacedDir}`)
  if (r.formsCopied) console.log(`バックアップから戻した帳票PDF / PDFs copied back: ${r.formsCopied}`)
  console.log('復元しました。アプリを起動してください。 / Restored: start the app.')
  return 0
}

main().then(process.exit, (err: unknown) => {
  if (err instanceof RestoreRefused || err instanceof AppError) console.error(`復元できません: ${err.message}`)
  else console.error(`復元できませんでした（${(err as { code?: string }).code ?? 'ERROR'}: ${(err as Error).message}）。台帳は置き換えていません。`)
  process.exit(1)
})
