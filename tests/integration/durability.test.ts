// Nothing acknowledged to the user is lost, even if the process is killed: a child process
// receives a request, reports the acknowledgement, and is killed with SIGKILL at once; the
// request is then in the ledger.
import { spawn } from 'node:child_process'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { openSqlite } from '../../db/open'
import { tempDir } from '../helpers/app'

const CHILD = path.join(__dirname, 'fixtures', 'receive-then-wait.ts')

describe('durability', () => {
  it('an acknowledged request survives SIGKILL right after the acknowledgement', async () => {
    const dir = tempDir()
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, dir], { stdio: ['ignore', 'pipe', 'inherit'] })
    const receiptNo = await new Promise<string>((resolve, reject) => {
      let out = ''
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString()
        const m = /ACK (\S+)/.exec(out)
        if (m) {
          child.kill('SIGKILL')
          resolve(m[1]!)
        }
      })
      child.on('exit', (code) => reject(new Error(`child exited ${code} before ACK: ${out}`)))
      setTimeout(() => reject(new Error('no ACK in time')), 30_000)
    })
    await new Promise((r) => child.once('close', r))
    const db = openSqlite(path.join(dir, 'ledger.sqlite'))
    const row = db.prepare('SELECT state FROM otp_requests WHERE receipt_no = ?').get(receiptNo)
    db.close()
    expect(row).toEqual({ state: 'pending_review' })
  }, 40_000)
})
