// The application role's password for the shared ledger, kept in the operating system's keystore
// (issue 12): Electron's safeStorage encrypts it with a key the OS holds for this user (DPAPI on
// Windows, the Keychain on macOS, the Secret Service or KWallet on Linux), and only the encrypted
// bytes are written, into the app's user-data folder. A copy of that file is useless on another
// account or machine. Where the OS offers no keystore (Linux without a Secret Service: Electron's
// 'basic_text' backend, a fixed key), nothing is stored and the administrator is told to use
// libpq's password file (PGPASSFILE / ~/.pgpass, mode 600) instead.
//
//   OTP_LEDGER_PASSWORD=… 窓口OTP事務 --ledger=postgres://… --save-ledger-password
// stores it once (the variable is read and removed from the process's environment; the operating
// system keeps the starting environment of a process readable by the same OS user, so the shell
// that ran it should not keep it either); every later start with --ledger reads it back.
import fs from 'node:fs'
import path from 'node:path'
import { AppError } from '../../shared/errors'

/** What the app uses of Electron's safeStorage. */
export interface Keystore {
  isEncryptionAvailable(): boolean
  encryptString(plain: string): Buffer
  decryptString(encrypted: Buffer): string
  /** Linux only: which backend holds the key ('basic_text' is none). */
  getSelectedStorageBackend?(): string
}

export const CREDENTIAL_FILE = 'ledger-credential.bin'

function refuseWithoutKeystore(keystore: Keystore, platform: NodeJS.Platform): void {
  const backend = platform === 'linux' ? keystore.getSelectedStorageBackend?.() : undefined
  if (!keystore.isEncryptionAvailable() || backend === 'basic_text' || backend === 'unknown')
    throw new AppError(
      'LEDGER_OPEN_FAILED',
      'この端末にはパスワードを守って保管できるキーストアがありません。共有台帳のパスワードは、この端末の利用者だけが読めるパスワードファイル（PGPASSFILE または ~/.pgpass、権限 600）に置いてください。',
    )
}

/** Encrypts the password with the OS keystore and writes only the encrypted bytes (atomically). */
export function saveLedgerPassword(dir: string, keystore: Keystore, password: string, platform = process.platform): void {
  if (!password) throw new AppError('LEDGER_OPEN_FAILED', '保管するパスワードが空です（OTP_LEDGER_PASSWORD）。')
  refuseWithoutKeystore(keystore, platform)
  fs.mkdirSync(dir, { recursive: true })
  const file = path.join(dir, CREDENTIAL_FILE)
  const tmp = `${file}.${process.pid}.tmp`
  fs.rmSync(tmp, { force: true }) // a leftover from a crash keeps its own mode: made anew with 600
  fs.writeFileSync(tmp, keystore.encryptString(password), { mode: 0o600, flag: 'wx' })
  fs.renameSync(tmp, file)
}

/** The stored password, or null when none is stored. A file the keystore cannot decrypt (another
 * user's, another machine's) is refused with what to do. */
export function loadLedgerPassword(dir: string, keystore: Keystore): string | null {
  const file = path.join(dir, CREDENTIAL_FILE)
  if (!fs.existsSync(file)) return null
  try {
    return keystore.decryptString(fs.readFileSync(file))
  } catch {
    throw new AppError(
      'LEDGER_OPEN_FAILED',
      `保管された共有台帳のパスワード（${file}）をこの利用者のキーストアで復号できません。管理者がこの端末で保管し直してください（--save-ledger-password）。`,
    )
  }
}
