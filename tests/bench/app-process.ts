// The main process as a teller's start leaves it: a process of its own opens the benchmark's
// ledger copy, logs a teller and a supervisor in and opens each screen once (a search, the customer
// screen, the 検印 queue, the 差戻し一覧, a request, a form preview and the 日次取扱一覧), then prints
// its open time and resident memory as JSON: after the screens, after the first form (pdfmake and
// the fonts loaded) and after the 日次取扱一覧 (the largest document of a day). Run by tests/bench/bench.ts in a child process, so the
// figure is not the bench's own memory (the floor's statements, the samples, the generator).
//
//   node --import tsx tests/bench/app-process.ts <data dir> <customer id> <request id>
//   node --import tsx tests/bench/app-process.ts --bare     # the same Node and loader, no app
import pino from 'pino'

const rssMB = () => process.memoryUsage().rss / 1e6

async function main(): Promise<void> {
  if (process.argv[2] === '--bare') {
    console.log(JSON.stringify({ rssMB: rssMB() }))
    return
  }
  const [dataDir, customerId, requestId] = process.argv.slice(2)
  const { DEMO_PASSWORD } = await import('../../db/seed')
  const { embeddedContext } = await import('../../electron/main/context')
  const { dispatch } = await import('../../electron/main/dispatcher')
  const { openApp } = await import('../../electron/main/ledger')
  const { BENCH_NOW, BENCH_TODAY } = await import('./ledger')
  const t = performance.now()
  const ctx = embeddedContext(await openApp({ dataDir: dataDir!, demo: true, transport: 'ipc', version: 'bench', clock: () => BENCH_NOW, logger: pino({ level: 'silent' }) }))
  const openMs = performance.now() - t
  const ok = async (op: string, payload: unknown, key: string) => {
    const r = await dispatch(ctx, op, payload, key)
    if (!r.ok) throw new Error(`${op}: ${r.error.code}`)
    return r.value
  }
  await ok('auth.login', { loginId: 'teller1', password: DEMO_PASSWORD }, 't')
  await ok('auth.login', { loginId: 'super1', password: DEMO_PASSWORD }, 's')
  await ok('customers.search', { kana: 'タナカ' }, 't')
  await ok('customers.get', { customerId: Number(customerId) }, 't')
  await ok('requests.returnedToMe', {}, 't')
  await ok('requests.pendingReview', {}, 's')
  await ok('requests.get', { requestId: Number(requestId) }, 's')
  const screensRssMB = rssMB()
  await ok('forms.preview', { form: 'customer_receipt', requestId: Number(requestId) }, 't')
  const formRssMB = rssMB()
  await ok('forms.previewDailyJournal', { businessDate: BENCH_TODAY }, 's')
  console.log(JSON.stringify({ openMs, screensRssMB, formRssMB, rssMB: rssMB(), heapMB: process.memoryUsage().heapUsed / 1e6 }))
  await ctx.ledger.close()
}

void main()
