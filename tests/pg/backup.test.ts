// Backup and restore of the PostgreSQL ledger with PostgreSQL's own tools, as the README says:
// pg_dump --format=custom of a ledger with rows, pg_restore into a new database: the same schema
// (catalogue, grants, the database's own refusals) and the same rows.
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { migratePg } from '../../db/pg/migrate'
import { PG_LATEST_SCHEMA_VERSION } from '../../db/pg/migrations'
import { pgBinDir } from '../../scripts/pg-cluster.mjs'
import { tempDir } from '../helpers/app'
import { connect, createTestLedger, serverUrl, urlFor, type TestLedger } from '../helpers/pg'
import { pgShape } from '../helpers/schemaParity'

const ledgers: TestLedger[] = []
afterAll(async () => {
  // The restored database holds grants to the first ledger's role: dropped first.
  for (const l of ledgers.reverse()) await l.drop()
})

/** libpq's URL for the command-line tools (they take the same URL as node-postgres). */
const tool = (name: string) => path.join(pgBinDir()!, name)

describe('PostgreSQL backup and restore (pg_dump / pg_restore)', () => {
  it('restores the schema, the grants, the guards and every row into a new database', async () => {
    const src = await createTestLedger()
    const dst = await createTestLedger()
    ledgers.push(src, dst)
    const o = await src.owner()
    await migratePg(o, { appRole: src.appRole })
    await o.query(`
      INSERT INTO branches (code, name) VALUES ('001', '本店'), ('002', '駅前支店');
      INSERT INTO staff (login_id, name, role, branch_id, password_hash, created_at, login_key) VALUES ('t1', '窓口 一郎', 'teller', 1, 'x', 'x', 't1');
      INSERT INTO audit_log (at, action, outcome, detail_json) VALUES ('2026-11-21T01:00:00Z', 'seed', 'ok', '{"メモ":"受付"}');
      INSERT INTO ledger_journal (id, at, action, outcome, origin, row_count, prev_hash, hash)
        SELECT h.id + 1, 'x', 'seed', 'ok', 'upgrade', 0, h.hash, repeat('a', 64) FROM ledger_journal_head() h;
    `)
    const file = path.join(tempDir(), 'otp.dump')
    execFileSync(tool('pg_dump'), ['--format=custom', `--file=${file}`, `--dbname=${src.ownerUrl}`], { stdio: 'pipe' })
    expect(fs.statSync(file).size).toBeGreaterThan(0)
    // Into the other (empty) database, owned by its own owner role; the source's app role keeps its grants.
    execFileSync(tool('pg_restore'), ['--exit-on-error', '--no-owner', `--role=${dst.ownerRole}`, `--dbname=${dst.ownerUrl}`, file], { stdio: 'pipe' })

    const r = await connect(urlFor(serverUrl(), dst.ownerRole, dst.database))
    try {
      expect(await pgShape(r)).toEqual(await pgShape(o))
      for (const t of ['branches', 'staff', 'audit_log', 'ledger_journal', 'schema_version']) {
        const q = `SELECT * FROM ${t} ORDER BY 1`
        expect((await r.query(q)).rows, t).toEqual((await o.query(q)).rows)
      }
      // The guards came back with the schema: still append-only, the journal still in order.
      await expect(r.query('DELETE FROM audit_log')).rejects.toThrow(/append-only/)
      expect((await r.query('SELECT id FROM ledger_journal_head()')).rows[0].id).toBe('1')
      // And the table grants of the application role named in the dump; the database-level ones
      // (no TEMP for PUBLIC) are not in a dump: ledger:pg-migrate puts them right, migrating nothing.
      expect(await migratePg(r, { appRole: src.appRole })).toEqual({ from: PG_LATEST_SCHEMA_VERSION, to: PG_LATEST_SCHEMA_VERSION })
      const app = await connect(urlFor(serverUrl(), src.appRole, dst.database))
      try {
        await expect(app.query('CREATE TEMP TABLE t (x int)')).rejects.toThrow(/permission denied/)
        await expect(app.query("UPDATE audit_log SET action = 'x'")).rejects.toThrow(/permission denied/)
        expect((await app.query('SELECT count(*)::int AS n FROM branches')).rows[0].n).toBe(2)
      } finally {
        await app.end()
      }
    } finally {
      await r.end()
    }
  })
})
