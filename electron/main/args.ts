// Where the ledger lives and whether it is the demo: `--data-dir=PATH` (or `--data-dir PATH`) or
// OTP_DATA_DIR, `--demo` (or `--demo=false`) or OTP_DEMO=1. Default: the app's user-data folder,
// `ledger` (or `demo-ledger` for the demo). A flag given without a value is refused rather than
// silently falling back to the default folder.
import path from 'node:path'

export interface LaunchOptions {
  dataDir: string
  demo: boolean
}

function flagValue(argv: readonly string[], name: string): string | undefined {
  const i = argv.findIndex((a) => a === `--${name}` || a.startsWith(`--${name}=`))
  if (i < 0) return undefined
  const a = argv[i]!
  if (a.includes('=')) return a.slice(a.indexOf('=') + 1)
  const next = argv[i + 1]
  return next !== undefined && !next.startsWith('--') ? next : ''
}

export function parseLaunchOptions(argv: readonly string[], env: NodeJS.ProcessEnv, userData: string): LaunchOptions {
  const demoFlag = argv.find((a) => a === '--demo' || a.startsWith('--demo='))
  const demo = demoFlag !== undefined ? demoFlag !== '--demo=false' : env.OTP_DEMO === '1' || env.OTP_DEMO === 'true'
  const dir = flagValue(argv, 'data-dir') ?? env.OTP_DATA_DIR
  if (dir !== undefined && dir.trim() === '') throw new Error('--data-dir (OTP_DATA_DIR) needs a folder: --data-dir=PATH')
  return { demo, dataDir: path.resolve(dir ?? path.join(userData, demo ? 'demo-ledger' : 'ledger')) }
}

/** The idle time after which a window locks and its session ends: `--idle-seconds=N` or
 * OTP_SESSION_IDLE_SECONDS (10 s to 8 h), for a branch's own policy and for tests; otherwise
 * SESSION_IDLE_MS (30 minutes). A value outside the range is refused, not silently replaced. */
export function parseIdleMs(argv: readonly string[], env: NodeJS.ProcessEnv): number | undefined {
  const raw = flagValue(argv, 'idle-seconds') ?? env.OTP_SESSION_IDLE_SECONDS
  if (raw === undefined) return undefined
  const n = Number(raw)
  if (!/^\d+$/.test(raw.trim()) || n < 10 || n > 8 * 3600) throw new Error('--idle-seconds (OTP_SESSION_IDLE_SECONDS) must be whole seconds from 10 to 28800')
  return n * 1000
}
