// `npm run ledger:new -- --data-dir=PATH --confirm`: the explicit choice, at the machine, to start
// a NEW, empty production ledger in a folder that held one whose file is gone or empty (the app
// refuses to do that by itself). Whatever is left of the old file is moved into
// <data folder>/replaced/<UTC stamp>/, and the new ledger's audit trail records the choice.
// Refused while a readable ledger is there: restore a backup instead (npm run restore).
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileStamp } from '../db/backup'
import { LEDGER_FILE, inspectLedgerFile, ledgerTraces } from '../db/ledgerFile'
import { writeAudit } from '../electron/main/audit'
import { openApp } from '../electron/main/ledger'

const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=').slice(1).join('=')

async function main(): Promise<number> {
  const dataDir = arg('data-dir') ?? process.env.OTP_DATA_DIR
  if (!dataDir || !process.argv.includes('--confirm')) {
    console.error('Usage: npm run ledger:new -- --data-dir=<the ledger folder> --confirm')
    console.error('新しい空の台帳を作ります。これまでの記録はこの台帳には入りません。バックアップがあれば npm run restore を使ってください。')
    return 2
  }
  const root = path.resolve(dataDir)
  const file = path.join(root, LEDGER_FILE)
  const state = inspectLedgerFile(file)
  if (state.kind === 'ok') {
    console.error(`台帳 ${file} は読み取れる状態です。新しい台帳は作りません（壊れている場合は npm run restore で復元してください）。`)
    return 1
  }
  const traces = ledgerTraces(root)
  let movedTo: string | null = null
  if (state.kind !== 'absent') {
    movedTo = path.join(root, 'replaced', fileStamp(new Date()))
    fs.mkdirSync(movedTo, { recursive: true })
    for (const s of ['', '-wal', '-shm', '-journal'])
      if (fs.existsSync(file + s)) fs.renameSync(file + s, path.join(movedTo, LEDGER_FILE + s))
  }
  const ctx = await openApp({ dataDir: root, demo: false, transport: 'ipc', version: 'cli', newLedgerOverTraces: true, autoBackup: false, backgroundVerify: false })
  await writeAudit(ctx.db, {
    at: new Date().toISOString(),
    actorId: null,
    actorLoginId: `cli:${os.userInfo().username}`,
    action: 'ledger.createOverTraces',
    outcome: 'ok',
    detail: { previousFile: state.kind, traces, movedTo },
  })
  ctx.logger.warn({ code: 'LEDGER_CREATED_OVER_TRACES', traces, movedTo }, 'new ledger created where one was, from the command line')
  await ctx.ledger.close()
  console.log(`新しい台帳を作成しました: ${file}（監査記録に残しました）。アプリを起動すると初期設定（最初の管理者）から始まります。`)
  if (movedTo) console.log(`元のファイルの保管先: ${movedTo}`)
  return 0
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`新しい台帳を作成できませんでした: ${(err as Error).message}`)
    process.exit(1)
  },
)
