// `npm run bench:engines -- [--size=10000] [--n=200]`: the counter's operations on both engines
// side by side (issue 12), through the same dispatcher and services: the embedded SQLite ledger
// and a terminal on the PostgreSQL ledger holding the same data (the generated ledger of
// tests/bench/ledger.ts, copied to the server by db/pg/copy.ts, as `npm run ledger:copy-to-pg`
// does). Each operation runs n times, alternating engines in one loop; p50 and p99 per engine
// and the PostgreSQL/SQLite ratio are printed. A benchmark, not a test: the machine is shared and
// noisy, the ratio in one run is the figure. The test cluster runs with fsync off (its data dies
// with it), so PostgreSQL's commits here cost less than on a real server's disk; SQLite keeps
// synchronous=FULL.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import pino from 'pino'
import { DEMO_PASSWORD } from '../../db/seed'
import { copyToPg } from '../../db/pg/copy'
import { openSqlite } from '../../db/open'
import { dispatch } from '../../electron/main/dispatcher'
import { openApp, LEDGER_FILE } from '../../electron/main/ledger'
import type { AppContext } from '../../electron/main/context'
import { baseForm, type CustomerRow } from '../helpers/forms'
import { createTestLedger } from '../helpers/pg'
import { BENCH_NOW, BENCH_TODAY, cachedLedger, writeArchive } from './ledger'
import { quantile } from './quantile'

const arg = (name: string, dflt: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? dflt
const root = path.resolve(__dirname, '../..')

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- dispatch results, read loosely by a bench
async function ok(ctx: AppContext, op: string, payload: unknown, key: string): Promise<any> {
  const r = await dispatch(ctx, op, payload, key)
  if (!r.ok) throw new Error(`${op}: ${r.error.code} ${r.error.message} ${JSON.stringify(r.error.fields ?? {})}`)
  return r.value
}

const ms = (x: number) => (x < 1 ? x.toFixed(2) : x < 10 ? x.toFixed(1) : x.toFixed(0))

async function main(): Promise<void> {
  const size = Number(arg('size', '10000'))
  const n = Number(arg('n', '200'))
  const cacheRoot = path.resolve(arg('cache', path.join(root, '.bench')))
  fs.mkdirSync(cacheRoot, { recursive: true })
  const gen = await cachedLedger(cacheRoot, size)
  const work = path.join(cacheRoot, `engines-work-${size}`)
  fs.rmSync(work, { recursive: true, force: true })
  fs.mkdirSync(work, { recursive: true })
  fs.copyFileSync(gen.file, path.join(work, LEDGER_FILE))
  writeArchive(work)

  const server = await createTestLedger()
  const owner = await server.owner()
  const quiet = pino({ level: 'silent' })
  try {
    let t = performance.now()
    await copyToPg({ sqliteFile: path.join(work, LEDGER_FILE), client: owner, appRole: server.appRole, osUser: os.userInfo().username })
    console.log(`copied ${size.toLocaleString()} customers to PostgreSQL in ${((performance.now() - t) / 1000).toFixed(1)} s`)

    const common = { demo: true, transport: 'ipc' as const, version: 'bench', clock: () => BENCH_NOW, logger: quiet, autoBackup: false, backgroundVerify: false as const }
    t = performance.now()
    const lite = await openApp({ ...common, dataDir: work })
    const liteOpen = performance.now() - t
    t = performance.now()
    const pgDir = fs.mkdtempSync(path.join(os.tmpdir(), 'otp-bench-terminal-'))
    const pgc = await openApp({ ...common, dataDir: pgDir, server: { url: server.appUrl } })
    const pgOpen = performance.now() - t
    const engines = [
      ['SQLite', lite],
      ['PostgreSQL', pgc],
    ] as const
    for (const [, ctx] of engines)
      for (const [key, loginId] of [['t', 'teller1'], ['s', 'super1']] as const) await ok(ctx, 'auth.login', { loginId, password: DEMO_PASSWORD }, key)

    // What the operations work on (the same rows on both: the copy keeps ids).
    const src = openSqlite(path.join(work, LEDGER_FILE), { readonly: true })
    const sample = src.prepare('SELECT * FROM customers WHERE id = ?').get(Math.floor(size / 2)) as CustomerRow
    const open = new Set((src.prepare('SELECT DISTINCT customer_id AS c FROM otp_requests').all() as { c: number }[]).map((r) => r.c))
    const inUse = (src.prepare(`SELECT * FROM customers WHERE otp_status = 'in_use' AND id > 50 ORDER BY id LIMIT ?`).all(4 * n + open.size) as CustomerRow[]).filter(
      (c) => !open.has(c.id),
    )
    src.close()
    if (inUse.length < 2 * n) throw new Error(`only ${inUse.length} customers free for ${n} receptions per engine`)

    type Step = (ctx: AppContext, i: number, engine: number) => Promise<unknown>
    const received: number[][] = [[], []]
    const ops: Array<[string, Step]> = [
      ['search: 店番+口座番号', (ctx) => ok(ctx, 'customers.search', { branchCode: sample.account_branch_code, accountNumber: sample.account_number }, 't')],
      ['search: カナ氏名', (ctx) => ok(ctx, 'customers.search', { kana: 'タナカ' }, 't')],
      ['search: IB契約者ID', (ctx) => ok(ctx, 'customers.search', { ibContractId: sample.ib_contract_id }, 't')],
      ['customer screen', (ctx) => ok(ctx, 'customers.get', { customerId: sample.id }, 't')],
      ['検印待ち一覧 (first screen)', (ctx) => ok(ctx, 'requests.pendingReview', {}, 's')],
      ['差戻し一覧', (ctx) => ok(ctx, 'requests.returnedToMe', {}, 't')],
      [
        'reception (ご利用解除)',
        async (ctx, i, e) => {
          const r = await ok(ctx, 'requests.receiveCancellation', baseForm(inUse[2 * i + e]!, BENCH_TODAY), 't')
          received[e]!.push(r.id)
        },
      ],
      [
        'approval (検印・承認)',
        async (ctx, i, e) => {
          const id = received[e]![i]!
          const r = await ok(ctx, 'requests.get', { requestId: id }, 's')
          return ok(ctx, 'requests.approve', { requestId: id, version: r.version }, 's')
        },
      ],
    ]
    console.log(`\n${size.toLocaleString()} customers, ${n} calls per operation and engine (open: SQLite ${ms(liteOpen)} ms, PostgreSQL ${ms(pgOpen)} ms)`)
    console.log('| operation | SQLite p50 | SQLite p99 | PostgreSQL p50 | PostgreSQL p99 | PG/SQLite p50 |')
    console.log('| --- | --- | --- | --- | --- | --- |')
    for (const [name, step] of ops) {
      const times: number[][] = [[], []]
      for (let i = 0; i < n; i++)
        for (let e = 0; e < 2; e++) {
          const t0 = performance.now()
          await step(engines[e]![1], i, e)
          times[e]!.push(performance.now() - t0)
        }
      const [a, b] = [quantile(times[0]!, 0.5), quantile(times[1]!, 0.5)]
      console.log(`| ${name} | ${ms(a)} ms | ${ms(quantile(times[0]!, 0.99))} ms | ${ms(b)} ms | ${ms(quantile(times[1]!, 0.99))} ms | ${(b / a).toFixed(1)}× |`)
    }
    console.log('\nPostgreSQL: the throwaway test cluster (fsync off, Unix socket on this machine); SQLite: synchronous=FULL.')
    lite.stopWatching?.()
    await lite.ledger.close()
    pgc.stopWatching?.()
    await pgc.ledger.close()
    fs.rmSync(pgDir, { recursive: true, force: true })
  } finally {
    await owner.end().catch(() => undefined)
    await server.drop()
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err)
    process.exit(1)
  },
)
