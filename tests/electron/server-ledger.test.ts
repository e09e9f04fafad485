// The built main process as an installed terminal of the shared ledger (issue 12), against the
// Electron stand-in: started with --ledger (here OTP_LEDGER_URL) it works on the PostgreSQL ledger,
// not on a file in its data folder; --save-ledger-password keeps the application role's password
// in the OS keystore (only encrypted bytes on disk, the variable gone from the environment) and
// later starts read it from there.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterAll, afterEach, beforeAll, describe, expect, test, vi } from 'vitest'
import { channelOf } from '../../shared/operations'
import { buildIsFresh } from '../../scripts/lib.mjs'
import { CREDENTIAL_FILE } from '../../electron/main/ledgerCredential'
import { createServerLedger } from '../helpers/serverApp'
import type { TestLedger } from '../helpers/pg'
import { invokeAs, loadMainBundle, quitApp, rendererIndex, type Recording } from './stand-in'

const ownPage = pathToFileURL(rendererIndex).href
let ledger: TestLedger
const dirs: string[] = []
const tempDir = () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'otp-terminal-bundle-'))
  dirs.push(d)
  return d
}

beforeAll(async () => {
  if (!buildIsFresh()) throw new Error('out/ is missing or older than the sources: run `npm run build` first (npm test builds before it tests)')
  ledger = await createServerLedger()
})
afterEach(async () => {
  await quitApp()
})
afterAll(async () => {
  await ledger.drop()
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true })
})

async function startTerminal(userData: string, dataDir: string, argv: string[], env: Record<string, string | undefined>): Promise<Recording> {
  const saved = process.argv
  process.argv = [...saved.slice(0, 2), ...argv]
  try {
    const r = loadMainBundle({
      env: { OTP_DATA_DIR: dataDir, OTP_DEMO: '1', OTP_USER_DATA_DIR: userData, OTP_DOWNLOAD_DIR: undefined, ELECTRON_RENDERER_URL: undefined, ...env },
    })
    await vi.waitFor(() => expect(r.windows.length > 0 || r.calls.some((c) => c.startsWith('exit'))).toBe(true), { timeout: 15_000 })
    return r
  } finally {
    process.argv = saved
  }
}

describe('an installed terminal on the shared ledger', () => {
  test('works on the server, not in its folder; the password is kept in the keystore only', async () => {
    const userData = tempDir()
    const dataDir = tempDir()
    const r = await startTerminal(userData, dataDir, ['--save-ledger-password'], { OTP_LEDGER_URL: ledger.appUrl, OTP_LEDGER_PASSWORD: 'terminal-pass-2026' })
    expect(r.dialogs).toEqual([])
    expect(process.env.OTP_LEDGER_PASSWORD).toBeUndefined()
    const stored = fs.readFileSync(path.join(userData, CREDENTIAL_FILE))
    expect(stored.length).toBeGreaterThan(0)
    expect(stored.includes(Buffer.from('terminal-pass'))).toBe(false)

    expect(await invokeAs(channelOf('auth.login'), ownPage, { loginId: 'teller1', password: 'demo-pass-2026' })).toMatchObject({ ok: true })
    const owner = await ledger.owner()
    const logins = await owner.query("SELECT count(*)::int AS n FROM audit_log WHERE action = 'auth.login' AND outcome = 'ok'")
    expect(logins.rows[0]).toEqual({ n: 1 })
    expect(fs.existsSync(path.join(dataDir, 'ledger.sqlite'))).toBe(false)
    await quitApp()

    // A later start reads the stored password (no variable, no flag) and finds the same ledger.
    const again = await startTerminal(userData, tempDir(), [], { OTP_LEDGER_URL: ledger.appUrl, OTP_LEDGER_PASSWORD: undefined })
    expect(again.dialogs).toEqual([])
    expect(await invokeAs(channelOf('auth.login'), ownPage, { loginId: 'super1', password: 'demo-pass-2026' })).toMatchObject({ ok: true })
    expect((await owner.query("SELECT count(*)::int AS n FROM audit_log WHERE action = 'auth.login' AND outcome = 'ok'")).rows[0]).toEqual({ n: 2 })
  })

  test('a URL that would trust any server on the network is refused at start, in Japanese', async () => {
    const r = await startTerminal(tempDir(), tempDir(), [], { OTP_LEDGER_URL: 'postgres://otp_app@db.example/otp' })
    expect(r.dialogs[0]?.message).toMatch(/起動オプションが正しくありません。\n.*sslmode=verify-full/)
    expect(r.calls).toContain('exit:1')
  })
})
