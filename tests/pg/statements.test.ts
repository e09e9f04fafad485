// Every statement the services issue runs on the PostgreSQL ledger (issue 12): the counter day of
// the query-plan test (tests/helpers/counterDay.ts) runs on SQLite, the data layer reports each SQL
// text drizzle compiles (tests/helpers/capturedStatements.ts, shared with tests/pg/query-plans.test.ts),
// and each is translated (db/pg/translate.ts) and PREPAREd on a migrated PostgreSQL ledger as the application
// role: the server parses it, resolves every name and infers the type of every parameter, or
// refuses. A failure lists every statement PostgreSQL refuses, with its reason: the translation
// gaps. The hand-written SELECTs (集計, the CSV exports, ledger.rows(sql`…`)) reach the connection
// through the same data layer and are checked the same way; no service of these screens prepares
// SQL on the SQLite connection itself any more.
import type pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { migratePg } from '../../db/pg/migrate'
import { translateSql } from '../../db/pg/translate'
import type { TestApp } from '../helpers/app'
import { captureServiceStatements, disposeCapturedDay } from '../helpers/capturedStatements'
import { createTestLedger, type TestLedger } from '../helpers/pg'

let app: TestApp
let l: TestLedger
let client: pg.Client
let drizzleStatements: Set<string>
/** SQL a service prepared on the SQLite connection itself, outside the data layer (none expected). */
let handWritten: Set<string>

beforeAll(async () => {
  ;({ app, statements: drizzleStatements, handWritten } = await captureServiceStatements(1_000))
  l = await createTestLedger()
  const o = await l.owner()
  await migratePg(o, { appRole: l.appRole })
  await o.end()
  client = await l.app()
}, 240_000)

afterAll(async () => {
  disposeCapturedDay(app)
  await client?.end()
  await l?.drop()
})

/** What PostgreSQL says of each statement it refuses (translation or PREPARE). */
async function refusals(statements: Iterable<string>): Promise<string[]> {
  const out: string[] = []
  let n = 0
  for (const s of statements) {
    let text: string
    try {
      text = translateSql(s).text
    } catch (e) {
      out.push(`${(e as Error).message}`)
      continue
    }
    const name = `otp_check_${++n}`
    try {
      await client.query(`PREPARE ${name} AS ${text}`)
      await client.query(`DEALLOCATE ${name}`)
    } catch (e) {
      out.push(`${(e as Error).message}\n    SQLite: ${s}\n    PostgreSQL: ${text}`)
    }
  }
  return out
}

describe('every statement of the services on the PostgreSQL ledger', () => {
  it('collected the statements of every screen', () => {
    expect(drizzleStatements.size).toBeGreaterThan(80)
    expect([...drizzleStatements].some((s) => s.includes('on conflict'))).toBe(true)
    expect([...drizzleStatements].some((s) => s.includes('+?'))).toBe(true)
    // 集計 and the keyset pages of the CSV exports (ledger.rows) are among them.
    expect([...drizzleStatements].some((s) => s.includes("count(*) FILTER (WHERE r.state = 'approved')"))).toBe(true)
    expect([...drizzleStatements].some((s) => s.includes('(account_branch_code, account_type, account_number) > (?, ?, ?)'))).toBe(true)
    expect([...drizzleStatements].some((s) => s.includes('+r.receipt_no > ?'))).toBe(true)
    expect([...handWritten]).toEqual([])
  })

  it('each drizzle statement is translated and PREPAREd by PostgreSQL', async () => {
    const bad = await refusals(drizzleStatements)
    expect(bad, `PostgreSQL refuses ${bad.length} of ${drizzleStatements.size} statements:\n${bad.join('\n')}`).toEqual([])
  })
})
