// Where the ledger lives and whether it is the demo: `--data-dir=PATH` or OTP_DATA_DIR, `--demo`
// or OTP_DEMO=1. Default: the app's user-data folder, `ledger` (or `demo-ledger` for the demo).
import path from 'node:path'

export interface LaunchOptions {
  dataDir: string
  demo: boolean
}

export function parseLaunchOptions(argv: readonly string[], env: NodeJS.ProcessEnv, userData: string): LaunchOptions {
  const flag = (name: string) => argv.find((a) => a === `--${name}` || a.startsWith(`--${name}=`))
  const demoFlag = flag('demo')
  const demo = demoFlag !== undefined ? demoFlag !== '--demo=false' : env.OTP_DEMO === '1' || env.OTP_DEMO === 'true'
  const dirFlag = flag('data-dir')
  const dir = dirFlag?.includes('=') ? dirFlag.slice(dirFlag.indexOf('=') + 1) : env.OTP_DATA_DIR
  return { demo, dataDir: path.resolve(dir || path.join(userData, demo ? 'demo-ledger' : 'ledger')) }
}
