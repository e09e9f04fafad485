// `npm run preview:browser`: the real renderer and the real services, in a browser, on 127.0.0.1.
// Flags: --data-dir=PATH (default .data/preview), --port=N (default random), --demo=false for an
// empty production-style ledger (first-administrator setup), --idle-seconds=N for the idle lock
// (tests use a few seconds; default 30 minutes), --ledger=postgres://… (or OTP_LEDGER_URL) for the
// shared PostgreSQL ledger instead of the data folder's SQLite file (electron/main/serverLedger.ts).
import path from 'node:path'
import { releaseInUse } from '../../db/ledgerFile'
import { parseIdleMs } from '../main/args'
import { openApp } from '../main/ledger'
import { describeServerLedger, parseServerLedger } from '../main/serverLedger'
import { flushRefusals } from '../main/refusals'
import { warmUpPdf } from '../../forms/render'
import { startBridge } from './server'

async function main(): Promise<void> {
  const argv = process.argv.slice(2)
  const arg = (name: string) => argv.find((a) => a.startsWith(`--${name}=`))?.split('=').slice(1).join('=')
  const root = path.resolve(__dirname, '../..')
  const dataDir = path.resolve(arg('data-dir') ?? process.env.OTP_DATA_DIR ?? path.join(root, '.data', 'preview'))
  const demo = arg('demo') !== 'false'
  const server = parseServerLedger(argv, process.env)
  const ctx = await openApp({
    dataDir,
    server,
    demo,
    transport: 'http-bridge',
    version: process.env.npm_package_version ?? 'dev',
    sessionIdleMs: parseIdleMs(argv, process.env),
  })
  const bridge = await startBridge(ctx, {
    rendererDir: path.join(root, 'out', 'renderer'),
    port: arg('port') ? Number(arg('port')) : undefined,
  })
  console.log(`窓口OTP事務 browser preview: ${bridge.url}`)
  console.log(`ledger: ${server ? describeServerLedger(server) : path.join(dataDir, 'ledger.sqlite')}${ctx.demo ? ' (demo)' : ''}`)
  void warmUpPdf() // the first print as fast as a later one
  const stop = async () => {
    await bridge.close()
    ctx.stopWatching?.()
    await flushRefusals(ctx)
    await ctx.ledger.close()
    if (!server) releaseInUse(dataDir)
    process.exit(0)
  }
  process.on('SIGINT', () => void stop())
  process.on('SIGTERM', () => void stop())
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err)
  process.exit(1)
})
