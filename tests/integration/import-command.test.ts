// The scheduled command `npm run import:customers`: the same service as the screen, run as a
// separate process on a ledger folder, dry run by default, --apply to write, audited as the CLI.
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { openSqlite } from '../../db/open'
import { createTestApp, tempDir } from '../helpers/app'
import { CUSTOMER_HEADER, CUSTOMER_MAPPING, csvText, encode, writeFile } from '../helpers/importFiles'

const ROWS = [
  ['005', '普通', '5000001', '髙木 ヴェラ', 'ﾀｶｷﾞ ｳﾞｪﾗ', '平成2年3月4日', '0100005', '秋田県秋田市中通1-1', '018-800-5001', '5000000001'],
  ['005', '普通', '5000002', '柴﨑 ジョージ', 'シバサキ　ジョージ', '1970-05-06', '010-0005', '秋田県秋田市中通1-2', '018-800-5002', '5000000002'],
]

function cli(args: string[]): { code: number; out: string } {
  try {
    const out = execFileSync(process.execPath, ['--import', 'tsx', 'scripts/import-customers.ts', ...args], { encoding: 'utf8', stdio: 'pipe' })
    return { code: 0, out }
  } catch (err) {
    const e = err as { status: number; stdout: string; stderr: string }
    return { code: e.status, out: e.stdout + e.stderr }
  }
}

describe('npm run import:customers', () => {
  // Three runs of a separate process (tsx compiles the script each time): a generous timeout.
  it('dry-runs by default, applies with --apply, and a second run changes nothing', { timeout: 120_000 }, async () => {
    const dir = tempDir()
    ;(await createTestApp({ dir })).close()
    const file = writeFile(dir, 'extract.csv', encode(csvText([CUSTOMER_HEADER, ...ROWS]), 'cp932'))
    const mapping = writeFile(dir, 'mapping.json', JSON.stringify(CUSTOMER_MAPPING))
    const count = () => {
      const db = openSqlite(path.join(dir, 'ledger.sqlite'), { readonly: true })
      try {
        return (db.prepare("SELECT count(*) n FROM customers WHERE account_branch_code = '005'").get() as { n: number }).n
      } finally {
        db.close()
      }
    }
    const dry = cli([`--data-dir=${dir}`, `--file=${file}`, `--mapping=${mapping}`])
    expect(dry.code).toBe(0)
    expect(dry.out).toContain('encoding: Shift_JIS（CP932）')
    expect(dry.out).toMatch(/dry_run extract\.csv .* rows=2 new=2 changed=0 unchanged=0 refused=0/)
    expect(count()).toBe(0)

    const report = path.join(dir, 'report.json')
    const applied = cli([`--data-dir=${dir}`, `--file=${file}`, `--mapping=${mapping}`, '--apply', `--report=${report}`])
    expect(applied.code).toBe(0)
    expect(count()).toBe(2)
    expect(JSON.parse(fs.readFileSync(report, 'utf8'))).toMatchObject({ mode: 'apply', counts: { new: 2 } })
    // The mapping was kept: the next run needs no --mapping.
    const again = cli([`--data-dir=${dir}`, `--file=${file}`, '--apply'])
    expect(again.out).toMatch(/apply extract\.csv .* new=0 changed=0 unchanged=2/)
    const db = openSqlite(path.join(dir, 'ledger.sqlite'), { readonly: true })
    const audit = db.prepare("SELECT actor_login_id FROM audit_log WHERE action = 'imports.customers.apply'").all() as { actor_login_id: string }[]
    db.close()
    expect(audit.length).toBe(4)
    expect(audit.every((a) => a.actor_login_id.startsWith('cli:'))).toBe(true)
  })

  it('refuses a bad file with exit code 1 and a Japanese reason, writing nothing', { timeout: 60_000 }, async () => {
    const dir = tempDir()
    ;(await createTestApp({ dir })).close()
    const file = writeFile(dir, 'bad.csv', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0]))
    const mapping = writeFile(dir, 'mapping.json', JSON.stringify(CUSTOMER_MAPPING))
    const r = cli([`--data-dir=${dir}`, `--file=${file}`, `--mapping=${mapping}`, '--apply'])
    expect(r.code).toBe(1)
    expect(r.out).toContain('テキストのファイルではありません')
  })
})
