// The SQLite → PostgreSQL translation of the services' SQL (db/pg/translate.ts), rule by rule, on
// the texts drizzle-orm's sqlite-core actually writes (captured through its sqlite-proxy driver).
import { and, count, eq, sql } from 'drizzle-orm'
import { drizzle } from 'drizzle-orm/sqlite-proxy'
import { describe, expect, it } from 'vitest'
import { keyPlaceholder } from '../../db/prepared'
import { translateSql, UntranslatableSql } from '../../db/pg/translate'
import * as schema from '../../db/schema'

const pg = (s: string) => translateSql(s).text

/** The SQL text (and parameters) drizzle writes for a query. */
async function emitted(build: (db: ReturnType<typeof drizzle<typeof schema>>) => Promise<unknown>): Promise<{ sql: string; params: unknown[] }> {
  let out: { sql: string; params: unknown[] } | undefined
  const db = drizzle(
    async (s, params) => {
      out = { sql: s, params }
      return { rows: [] }
    },
    { schema },
  )
  await build(db)
  return out!
}

describe('SQLite → PostgreSQL translation', () => {
  it('numbers the placeholders, leaving ? inside string literals, quoted identifiers and comments', () => {
    expect(translateSql(`select "a?" from "t" where "x" = ? and y = '?''?' and z in (?, ?) -- ?\n`)).toEqual({
      text: `select "a?" from "t" where "x" = $1 and y = '?''?' and z in ($2, $3) -- ?\n`,
      params: 3,
    })
    expect(pg(`select 1 /* ? */ where a = ?`)).toBe(`select 1 /* ? */ where a = $1`)
    expect(pg(`select "we""ird?" from t where b = ?`)).toBe(`select "we""ird?" from t where b = $1`)
  })

  it('drops the unary plus (keyPlaceholder, and before a column), keeps the addition', async () => {
    const q = await emitted((db) =>
      db
        .select({ id: schema.customers.id })
        .from(schema.customers)
        .where(and(eq(schema.customers.id, keyPlaceholder('id')), sql`+${schema.customers.accountBranchCode} = ${'001'}`))
        .prepare()
        .all({ id: 3 }),
    )
    expect(q.sql).toContain('= +?')
    expect(q.sql).toContain('and +"customers"."account_branch_code" = ?)')
    expect(pg(q.sql)).toBe(`select "id" from "customers" where ("customers"."id" = $1 and "customers"."account_branch_code" = $2)`)
    expect(pg(`select ("a", "b") > (+?, +?) and c = +? + 1 and d = e + ? and f = (+?) and g in (+?, ?) and h = ? + ?`)).toBe(
      `select ("a", "b") > ($1, $2) and c = $3 + 1 and d = e + $4 and f = ($5) and g in ($6, $7) and h = $8 + $9`,
    )
    const up = await emitted((db) =>
      db.update(schema.staff).set({ authVersion: sql`${schema.staff.authVersion} + 1` }).where(eq(schema.staff.id, 1)).run(),
    )
    expect(pg(up.sql)).toBe(`update "staff" set "auth_version" = "staff"."auth_version" + 1 where "staff"."id" = $1`)
  })

  it('an omitted column (the literal null drizzle writes) becomes default; an explicit null stays a parameter', async () => {
    const q = await emitted((db) => db.insert(schema.branches).values({ code: '001', name: '本店' }).returning())
    expect(q.sql).toBe(`insert into "branches" ("id", "code", "name") values (null, ?, ?) returning "id", "code", "name"`)
    expect(pg(q.sql)).toBe(`insert into "branches" ("id", "code", "name") values (default, $1, $2) returning "id", "code", "name"`)
    const explicit = await emitted((db) =>
      db
        .insert(schema.staff)
        .values({ loginId: 'a', name: 'b', role: 'teller', branchId: 1, passwordHash: 'h', createdAt: 'c', loginKey: 'a', lockedAt: null })
        .run(),
    )
    expect(explicit.params).toContain(null)
    const t = pg(explicit.sql)
    expect(t).toMatch(/^insert into "staff" \("id", .*\) values \(default, \$1, \$2, \$3, \$4, \$5, \$6, \$7, \$8, default, \$9, \$10, \$11, \$12, default\)$/)
    // Several rows; a null inside an expression or a subquery is not a value of its own.
    expect(pg(`insert into "t" ("a", "b", "c") values (null, coalesce(?, null), (select null)), (null, ?, null) on conflict do nothing`)).toBe(
      `insert into "t" ("a", "b", "c") values (default, coalesce($1, null), (select null)), (default, $2, default) on conflict do nothing`,
    )
    expect(pg(`update "t" set "a" = null where "b" is null`)).toBe(`update "t" set "a" = null where "b" is null`)
  })

  it('keeps what both engines read alike: upserts, limits and offsets, count(*), row values, LIKE literals', async () => {
    const up = await emitted((db) =>
      db
        .insert(schema.receiptCounters)
        .values({ branchCode: '001', businessDate: '2026-11-20', lastSeq: 1 })
        .onConflictDoUpdate({
          target: [schema.receiptCounters.branchCode, schema.receiptCounters.businessDate],
          set: { lastSeq: sql`${schema.receiptCounters.lastSeq} + 1` },
        })
        .returning({ seq: schema.receiptCounters.lastSeq }),
    )
    expect(pg(up.sql)).toBe(
      `insert into "receipt_counters" ("branch_code", "business_date", "last_seq") values ($1, $2, $3) on conflict ("branch_code", "business_date") do update set "last_seq" = "receipt_counters"."last_seq" + 1 returning "last_seq"`,
    )
    const sel = await emitted((db) =>
      db.select({ n: count() }).from(schema.staff).where(and(eq(schema.staff.active, true), eq(schema.staff.role, 'teller'))).limit(3).offset(2),
    )
    expect(sel.params).toEqual([1, 'teller', 3, 2]) // booleans are bound as 1/0 (PostgreSQL reads '1' as true)
    expect(pg(sel.sql)).toBe(`select count(*) from "staff" where ("staff"."active" = $1 and "staff"."role" = $2) limit $3 offset $4`)
    expect(pg(`select x from t where "detail_json" LIKE '%"FRAUD_SUSPECTED"%' and "target" LIKE 'request:%' limit -1`)).toBe(
      `select x from t where "detail_json" LIKE '%"FRAUD_SUSPECTED"%' and "target" LIKE 'request:%' limit all`,
    )
  })

  it('json_extract → jsonb_extract_path (read back as SQLite returns it), ifnull → coalesce, julianday, ==', () => {
    expect(pg(`select CASE WHEN "otp_requests"."kind" = 'unlock' THEN json_extract("otp_requests"."form_json", '$.verification.othersMayHaveTried') END from "otp_requests"`)).toBe(
      `select CASE WHEN "otp_requests"."kind" = 'unlock' THEN jsonb_extract_path(("otp_requests"."form_json")::jsonb, 'verification', 'othersMayHaveTried') END from "otp_requests"`,
    )
    expect(pg(`SELECT json_extract(a.detail_json, '$.reason') AS reason FROM audit_log a WHERE a.id = ?`)).toBe(
      `SELECT jsonb_extract_path((a.detail_json)::jsonb, 'reason') AS reason FROM audit_log a WHERE a.id = $1`,
    )
    expect(pg(`select json_extract(coalesce(?, x), '$.a') , ?`)).toBe(`select jsonb_extract_path((coalesce($1, x))::jsonb, 'a') , $2`)
    expect(pg(`select IFNULL(a, ?) from t where b == ?`)).toBe(`select coalesce(a, $1) from t where b = $2`)
    expect(pg(`select (julianday(r.reviewed_at) - julianday(r.received_at)) * 1440.0 from r`)).toBe(
      `select ((extract(epoch from (r.reviewed_at)::timestamptz) / 86400.0 + 2440587.5) - (extract(epoch from (r.received_at)::timestamptz) / 86400.0 + 2440587.5)) * 1440.0 from r`,
    )
  })

  it('quotes camelCase aliases (a row keyed as on SQLite), not keywords or lower-case names', () => {
    expect(pg(`SELECT b.code AS branchCode, count(*) AS count, max(x) AS medianMinutes FROM otp_requests r GROUP BY branchCode ORDER BY medianMinutes`)).toBe(
      `SELECT b.code AS "branchCode", count(*) AS count, max(x) AS "medianMinutes" FROM otp_requests r GROUP BY "branchCode" ORDER BY "medianMinutes"`,
    )
  })

  it('refuses what only SQLite understands, naming it, with the SQL', () => {
    const refused = [
      [`PRAGMA user_version`, /statement PRAGMA/],
      [`begin`, /statement BEGIN/],
      [`savepoint a`, /statement SAVEPOINT/],
      [`insert or ignore into t (a) values (?)`, /INSERT OR/],
      [`replace into t (a) values (?)`, /REPLACE/],
      [`select strftime('%Y', at) from t`, /strftime/],
      [`select group_concat(a) from t`, /group_concat/],
      [`select iif(a, 1, 2) from t`, /iif/],
      [`select max(a, b) from t`, /scalar max/],
      [`select a from t where b = :name`, /named parameter/],
      [`select a from t where b = @name`, /named parameter/],
      [`select a from t where b = ?1`, /numbered parameter/],
      [`select rowid from t`, /rowid/],
      [`select a from t order by a collate nocase`, /COLLATE nocase/],
      [`select \`a\` from t`, /backquoted/],
      [`select json_extract(a, '$[0]') from t`, /json_extract path/],
      [`select json_extract(a, ?) from t`, /constant path/],
      [`select a from t where b glob 'x*'`, /GLOB/],
      [`select 'unterminated from t`, /unterminated/],
    ] as const
    for (const [s, why] of refused) {
      expect(() => translateSql(s), s).toThrow(UntranslatableSql)
      expect(() => translateSql(s), s).toThrow(why)
    }
    try {
      translateSql(`select strftime('%Y', at) from t`)
    } catch (e) {
      expect((e as Error).message).toContain(`select strftime('%Y', at) from t`)
    }
    // max/min of one argument (the aggregate) are both engines'.
    expect(pg(`select max(a), min(b) from t`)).toBe(`select max(a), min(b) from t`)
  })

  it('caches by text (the same object back)', () => {
    const s = `select "id" from "staff" where "staff"."login_id" = ?`
    expect(translateSql(s)).toBe(translateSql(s))
  })
})
