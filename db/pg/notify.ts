// Live updates across terminals (issue 12): every write transaction on the PostgreSQL ledger sends
// pg_notify('otp_ledger', <journal entry id>) before COMMIT (db/pg/ledger.ts), which PostgreSQL
// delivers to every listener when, and only if, the transaction commits. listenLedger holds one
// dedicated connection (not from the pool: LISTEN belongs to a session) and calls onEntry with each
// entry id. When the connection breaks (the server restarted, the network dropped) it connects
// again with a growing delay (250 ms doubling to 10 s, back to 250 ms once connected), and calls
// onConnect after every (re)connection: notifications sent while it was away are lost, so the
// caller reads what changed since the last entry it knew (the journal head) at that moment.
import pg from 'pg'
import { NOTIFY_CHANNEL } from './ledger'

export interface ListenOptions {
  /** Called after each successful (re)connection, the first included. */
  onConnect?: () => void
  /** Called with each connection failure (for the log); the listener keeps retrying. */
  onError?: (err: unknown) => void
  minDelayMs?: number
  maxDelayMs?: number
}

/** Listens for new journal entries; returns the function that stops listening. */
export function listenLedger(config: pg.ClientConfig | string, onEntry: (id: number) => void, opts: ListenOptions = {}): () => Promise<void> {
  const min = opts.minDelayMs ?? 250
  const max = opts.maxDelayMs ?? 10_000
  let delay = min
  let stopped = false
  let client: pg.Client | null = null
  let timer: NodeJS.Timeout | null = null

  const retry = (err: unknown) => {
    opts.onError?.(err)
    const c = client
    client = null
    c?.removeAllListeners()
    c?.on('error', () => {})
    void c?.end().catch(() => {})
    if (stopped || timer) return
    timer = setTimeout(() => {
      timer = null
      void connect()
    }, delay)
    delay = Math.min(max, delay * 2)
  }

  const connect = async () => {
    if (stopped) return
    const c = new pg.Client(typeof config === 'string' ? { connectionString: config, keepAlive: true } : { keepAlive: true, ...config })
    client = c
    c.on('error', retry)
    c.on('end', () => {
      if (client === c) retry(new Error('the ledger notification connection ended'))
    })
    c.on('notification', (n) => {
      if (n.channel !== NOTIFY_CHANNEL) return
      const id = Number(n.payload)
      if (Number.isSafeInteger(id)) onEntry(id)
    })
    try {
      await c.connect()
      await c.query(`LISTEN ${NOTIFY_CHANNEL}`)
      if (client !== c || stopped) return
      delay = min
      opts.onConnect?.()
    } catch (err) {
      if (client === c) retry(err)
    }
  }

  void connect()
  return async () => {
    stopped = true
    if (timer) clearTimeout(timer)
    timer = null
    const c = client
    client = null
    if (c) {
      c.removeAllListeners()
      c.on('error', () => {})
      await c.end().catch(() => {})
    }
  }
}
