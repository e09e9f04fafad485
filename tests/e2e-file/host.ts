// The main side for tests/e2e-file: a real app context on a fresh temporary demo ledger and the
// real dispatcher, in a Node process of its own (the Playwright runner compiles specs to CommonJS,
// which the forms' font loader is not). The spec talks to it over Node's IPC channel with
// 'advanced' serialization, which is the structured clone algorithm, as Electron's IPC uses.
// Messages in: { id, op, payload, sessionKey }. Out: { id, result }, and { event } for every
// ledger change.
import { dispatch } from '../../electron/main/dispatcher'
import { embeddedContext } from '../../electron/main/context'
import { openApp } from '../../electron/main/ledger'

interface Call {
  id: number
  op: string
  payload: unknown
  sessionKey: string
}

async function main(): Promise<void> {
  const dataDir = process.argv[2]
  if (!dataDir || !process.send) throw new Error('usage: fork(host.ts, [dataDir]) with an IPC channel')
  const ctx = embeddedContext(await openApp({ dataDir, demo: true, transport: 'ipc', version: 'e2e-file' }))
  ctx.events.on('changed', (event) => process.send!({ event }))
  process.on('message', (m: Call) => {
    void dispatch(ctx, m.op, m.payload, m.sessionKey).then((result) => process.send!({ id: m.id, result }))
  })
  process.on('disconnect', () => {
    ctx.sqlite.close()
    process.exit(0)
  })
  process.send({ ready: true })
}

main().catch((err) => {
  console.error(err)
  process.exit(1)
})
