// The server ledger's password in the OS keystore (electron/main/ledgerCredential.ts): only the
// keystore's encrypted bytes are written; a machine without a real keystore stores nothing and
// says what to do instead; bytes the keystore cannot decrypt are refused in Japanese.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { CREDENTIAL_FILE, loadLedgerPassword, saveLedgerPassword, type Keystore } from '../../electron/main/ledgerCredential'

const dirs: string[] = []
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true })
})
const tempDir = () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'otp-cred-'))
  dirs.push(d)
  return d
}

/** A keystore with its own key (as the OS keeps one per user). */
function keystore(key: number, backend = 'gnome_libsecret', available = true): Keystore {
  return {
    isEncryptionAvailable: () => available,
    getSelectedStorageBackend: () => backend,
    encryptString: (p) => Buffer.concat([Buffer.from('v10'), Buffer.from(Buffer.from(p, 'utf8').map((b) => b ^ key))]),
    decryptString: (e) => {
      if (e.subarray(0, 3).toString() !== 'v10' || e[3] !== ('s'.charCodeAt(0) ^ key)) throw new Error('Error while decrypting the ciphertext provided to safeStorage.decryptString.')
      return Buffer.from(e.subarray(3).map((b) => b ^ key)).toString('utf8')
    },
  }
}

describe('the ledger password in the OS keystore', () => {
  it('writes only the encrypted bytes, readable by this user only, and reads the password back', () => {
    const dir = tempDir()
    saveLedgerPassword(dir, keystore(0x5a), 's3cret-パス', 'linux')
    const file = path.join(dir, CREDENTIAL_FILE)
    const bytes = fs.readFileSync(file)
    expect(bytes.includes(Buffer.from('s3cret'))).toBe(false)
    expect(fs.statSync(file).mode & 0o777).toBe(0o600)
    expect(loadLedgerPassword(dir, keystore(0x5a))).toBe('s3cret-パス')
    expect(loadLedgerPassword(tempDir(), keystore(0x5a))).toBeNull()
  })

  it('stores nothing where the OS has no keystore, and says to use the password file', () => {
    for (const ks of [keystore(1, 'basic_text'), keystore(1, 'gnome_libsecret', false)]) {
      const dir = tempDir()
      expect(() => saveLedgerPassword(dir, ks, 's3cret', 'linux')).toThrow(/キーストアがありません.*PGPASSFILE/)
      expect(fs.existsSync(path.join(dir, CREDENTIAL_FILE))).toBe(false)
    }
  })

  it("refuses another user's or machine's file with what to do, and an empty password", () => {
    const dir = tempDir()
    saveLedgerPassword(dir, keystore(0x11), 's3cret', 'win32')
    expect(() => loadLedgerPassword(dir, keystore(0x22))).toThrow(/復号できません.*--save-ledger-password/)
    expect(() => saveLedgerPassword(tempDir(), keystore(0x11), '', 'win32')).toThrow(/パスワードが空/)
  })
})
