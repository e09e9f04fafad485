// `npm run bench:terminals -- [--terminals=10] [--receptions=100]`: the throughput of concurrent
// receptions on one PostgreSQL ledger (issue 12). N terminal processes (tests/pg/fixtures/terminal.ts,
// each its own openApp on the server as the application role, through the dispatcher) each receive M
// requests (受付, each for its own customer, with a submission key) one after the other as fast as they
// can; the same with one terminal, side by side. A fresh ledger for each run, on a throwaway cluster of
// its own (scripts/pg-cluster.mjs: a Unix socket, fsync OFF — the figures are the app's and the
// journal lock's, not a disk's). Every terminal is open and logged in before the clock starts; the
// ledger is checked after each run (tests/helpers/terminals.ts ledgerProblems). Not a test: no timing
// is asserted anywhere.
import os from 'node:os'
import { startCluster } from '../../scripts/pg-cluster.mjs'
import { createServerLedger } from '../helpers/serverApp'
import { quantile } from './quantile'
import { acksOf, codesOf, killAll, ledgerProblems, prepareLedger, startTerminal } from '../helpers/terminals'

const arg = (name: string, dflt: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? dflt

interface RunResult {
  terminals: number
  receptions: number
  seconds: number
  perSecond: number
  p50: number
  p99: number
  problems: string[]
  refusals: Record<string, number>
}

async function run(base: string, terminals: number, perTerminal: number): Promise<RunResult> {
  const ledger = await createServerLedger(base)
  try {
    const owner = await ledger.owner()
    const prep = await prepareLedger(ledger.appUrl, owner, { tellers: terminals, supervisors: 0, customers: terminals * perTerminal })
    const ts = prep.tellers.map((loginId, i) =>
      startTerminal(loginId, {
        url: ledger.appUrl,
        mode: 'bench',
        loginId,
        customers: prep.customers.slice(i * perTerminal, (i + 1) * perTerminal),
        receptions: perTerminal,
      }),
    )
    await Promise.all(ts.map((t) => t.waitFor((l) => l.what === 'ready', 300_000)))
    const t0 = performance.now()
    for (const t of ts) t.send('go')
    await Promise.all(ts.map((t) => t.waitFor((l) => l.what === 'done', 600_000)))
    const seconds = (performance.now() - t0) / 1000
    const exits = await Promise.all(ts.map((t) => t.exit))
    if (exits.some((c) => c !== 0)) throw new Error(`a terminal failed: ${ts.map((t) => t.stderr.join('')).join('\n')}`)
    const acks = acksOf(ts)
    const ms = acks.map((a) => a.ms!)
    return {
      terminals,
      receptions: acks.length,
      seconds,
      perSecond: acks.length / seconds,
      p50: quantile(ms, 0.5),
      p99: quantile(ms, 0.99),
      problems: await ledgerProblems(owner, acks, { exact: true }),
      refusals: codesOf(ts),
    }
  } finally {
    await killAll()
    await ledger.drop()
  }
}

async function main(): Promise<void> {
  const n = Number(arg('terminals', '10'))
  const m = Number(arg('receptions', '100'))
  const cluster = startCluster()
  process.on('exit', () => cluster.stop())
  for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => process.exit(130))
  console.log(`Concurrent receptions on one PostgreSQL ledger: ${n} terminal processes × ${m} receptions, and 1 × ${m}`)
  console.log(`Machine: ${os.cpus().length} cores (${os.cpus()[0]?.model ?? '?'}), Node ${process.version}`)
  console.log('Server: a throwaway cluster on a Unix socket with fsync=off and full_page_writes=off (scripts/pg-cluster.mjs):')
  console.log('        no disk flush at COMMIT; a real server with fsync on adds its flush time to every write.')
  const results: RunResult[] = []
  for (const terminals of n === 1 ? [1] : [1, n]) {
    const r = await run(cluster.url, terminals, m)
    results.push(r)
    console.log(`  ${terminals} terminal(s): done in ${r.seconds.toFixed(1)} s${r.problems.length ? `; LEDGER PROBLEMS: ${r.problems.join('; ')}` : '; ledger checked: ok'}`)
  }
  console.log('')
  console.log('terminals  receptions  seconds  receptions/s  p50 ms  p99 ms  refused')
  for (const r of results)
    console.log(
      `${String(r.terminals).padStart(9)}  ${String(r.receptions).padStart(10)}  ${r.seconds.toFixed(1).padStart(7)}  ${r.perSecond.toFixed(1).padStart(12)}  ${r.p50.toFixed(1).padStart(6)}  ${r.p99.toFixed(1).padStart(6)}  ${JSON.stringify(r.refusals)}`,
    )
  console.log('(p50/p99: one reception as its terminal saw it: the dispatcher call, the write under the journal lock and the read of the result.)')
  if (results.some((r) => r.problems.length)) process.exitCode = 1
}

void main().then(
  () => process.exit(),
  (err: unknown) => {
    console.error(err)
    process.exit(1)
  },
)
