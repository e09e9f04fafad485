// Opening a ledger that already exists does no password hashing: the demo password is hashed only
// to seed a new demo ledger (scrypt costs ~0.1 s of every start otherwise).
import { afterEach, describe, expect, it, vi } from 'vitest'
import { embeddedContext } from '../../electron/main/context'
import { openApp } from '../../electron/main/ledger'
import * as passwords from '../../electron/main/passwords'
import { tempDir } from '../helpers/app'

vi.mock('../../electron/main/passwords', async (importOriginal) => {
  const real = await importOriginal<typeof passwords>()
  return { ...real, hashPassword: vi.fn(real.hashPassword) }
})

const open: Array<{ sqlite: { close(): void } }> = []
afterEach(() => {
  for (const c of open.splice(0)) c.sqlite.close()
})

describe('opening a ledger', () => {
  it('hashes the demo password to seed a new demo ledger, and never when it opens again', async () => {
    const dir = tempDir()
    const hash = vi.mocked(passwords.hashPassword)
    hash.mockClear()
    const first = embeddedContext(await openApp({ dataDir: dir, demo: true, transport: 'ipc', version: 'test' }))
    expect(hash).toHaveBeenCalledTimes(1)
    expect((first.sqlite.prepare('SELECT count(*) AS n FROM staff').get() as { n: number }).n).toBe(8) // 5 at branch 001, 2 at 002, 1 at the head office
    first.sqlite.close()

    hash.mockClear()
    const again = embeddedContext(await openApp({ dataDir: dir, demo: true, transport: 'ipc', version: 'test' }))
    open.push(again)
    expect(hash).not.toHaveBeenCalled()
    expect((again.sqlite.prepare('SELECT count(*) AS n FROM staff').get() as { n: number }).n).toBe(8) // 5 at branch 001, 2 at 002, 1 at the head office
  })

  it('a production ledger is never seeded and hashes nothing', async () => {
    const hash = vi.mocked(passwords.hashPassword)
    hash.mockClear()
    const ctx = embeddedContext(await openApp({ dataDir: tempDir(), demo: false, transport: 'ipc', version: 'test' }))
    open.push(ctx)
    expect(hash).not.toHaveBeenCalled()
    expect((ctx.sqlite.prepare('SELECT count(*) AS n FROM staff').get() as { n: number }).n).toBe(0)
  })
})
