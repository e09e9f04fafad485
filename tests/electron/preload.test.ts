// The built preload (out/preload/index.cjs) as Electron's sandboxed preload runs it: a CommonJS
// script whose `require` knows only 'electron' (a sandboxed preload gets no Node). A recording
// contextBridge and ipcRenderer show what it exposes: exactly the contract's operations, each on
// its own channel, and the ledger-changed subscription; nothing else.
import fs from 'node:fs'
import path from 'node:path'
import vm from 'node:vm'
import { beforeAll, expect, test } from 'vitest'
import { EVENT_CHANNEL, OPERATION_NAMES, channelOf } from '../../shared/operations'
import { buildIsFresh } from '../../scripts/lib.mjs'
import { root } from './stand-in'

const preloadFile = path.join(root, 'out/preload/index.cjs')

beforeAll(() => {
  if (!buildIsFresh()) throw new Error('out/ is missing or older than the sources: run `npm run build` first (npm test builds before it tests)')
})

interface Recorded {
  exposed: Array<{ key: string; api: Record<string, unknown> }>
  invoked: Array<{ channel: string; args: unknown[] }>
  listeners: Map<string, Set<(...a: unknown[]) => void>>
  required: string[]
}

function runPreload(): Recorded {
  const rec: Recorded = { exposed: [], invoked: [], listeners: new Map(), required: [] }
  const electron = {
    contextBridge: {
      exposeInMainWorld(key: string, api: Record<string, unknown>) {
        rec.exposed.push({ key, api })
      },
    },
    ipcRenderer: {
      invoke(channel: string, ...args: unknown[]) {
        rec.invoked.push({ channel, args })
        return Promise.resolve({ ok: true, value: channel })
      },
      on(channel: string, fn: (...a: unknown[]) => void) {
        if (!rec.listeners.has(channel)) rec.listeners.set(channel, new Set())
        rec.listeners.get(channel)!.add(fn)
      },
      removeListener(channel: string, fn: (...a: unknown[]) => void) {
        rec.listeners.get(channel)?.delete(fn)
      },
    },
  }
  const sandboxRequire = (id: string) => {
    rec.required.push(id)
    if (id === 'electron') return electron
    throw new Error(`a sandboxed preload cannot require '${id}'`)
  }
  const module = { exports: {} }
  const context = vm.createContext({ require: sandboxRequire, module, exports: module.exports, console })
  vm.runInContext(fs.readFileSync(preloadFile, 'utf8'), context, { filename: preloadFile })
  return rec
}

test('it requires nothing but electron', () => {
  const rec = runPreload()
  expect([...new Set(rec.required)]).toEqual(['electron'])
})

test('it exposes one object, `otp`, with exactly the contract\'s operations and the subscription', () => {
  const rec = runPreload()
  expect(rec.exposed.map((e) => e.key)).toEqual(['otp'])
  const api = rec.exposed[0]!.api as { ops: Record<string, unknown>; onLedgerChanged: unknown }
  expect(Object.keys(api).sort()).toEqual(['onLedgerChanged', 'ops'])
  expect(Object.keys(api.ops).sort()).toEqual([...OPERATION_NAMES].sort())
  for (const fn of Object.values(api.ops)) expect(typeof fn).toBe('function')
  expect(typeof api.onLedgerChanged).toBe('function')
})

test('each operation invokes its own channel with the payload and the background flag alone, and returns what main answered', async () => {
  const rec = runPreload()
  const ops = (rec.exposed[0]!.api as { ops: Record<string, (p: unknown, meta?: unknown) => Promise<unknown>> }).ops
  for (const op of OPERATION_NAMES) {
    const payload = { marker: op }
    expect(await ops[op]!(payload)).toEqual({ ok: true, value: channelOf(op) })
    expect(rec.invoked.at(-1)).toEqual({ channel: channelOf(op), args: [payload, { background: false }] })
  }
  expect(new Set(rec.invoked.map((i) => i.channel)).size).toBe(OPERATION_NAMES.length)
  // A background refresh says so, and nothing else the page adds reaches main.
  await ops['staff.list']!({}, { background: true, sessionKey: 'other', extra: 1 })
  expect(rec.invoked.at(-1)).toEqual({ channel: channelOf('staff.list'), args: [{}, { background: true }] })
})

test('the subscription listens on the event channel, passes only the payload (never the IPC event), and unsubscribes', () => {
  const rec = runPreload()
  const api = rec.exposed[0]!.api as { onLedgerChanged: (cb: (e: unknown) => void) => () => void }
  const got: unknown[][] = []
  const off = api.onLedgerChanged((...a) => got.push(a))
  expect([...rec.listeners.keys()]).toEqual([EVENT_CHANNEL])
  const [listener] = rec.listeners.get(EVENT_CHANNEL)!
  const ipcEvent = { sender: { send() {} }, ports: [] }
  listener!(ipcEvent, { kind: 'request', requestId: 1 })
  expect(got).toEqual([[{ kind: 'request', requestId: 1 }]])
  off()
  expect(rec.listeners.get(EVENT_CHANNEL)!.size).toBe(0)
})
