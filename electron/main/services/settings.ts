// Branch settings kept in the ledger (settings table, one row per key), maintained by
// administrators: the repeat-unlock period, and what the forms print about the institution.
import { inArray } from 'drizzle-orm'
import { preparedQuery } from '../../../db/prepared'
import { settings } from '../../../db/schema'
import type { OpParsed } from '../../../shared/contract'
import { branchSettingsSchema, type BranchSettings } from '../../../shared/schemas'
import { writeAudit } from '../audit'
import type { AppContext } from '../context'
import { writeTransaction, type Tx } from '../tx'
import { requireUser, type Caller } from './caller'

export const DEFAULT_UNLOCK_REPEAT_DAYS = 30
/** Domains the customer must allow for the centre's e-mail (seeds 000, 002, 004), until an
 * administrator sets the institution's own. */
export const DEFAULT_CENTRE_MAIL_DOMAINS = ['@otp-auth.net']

const KEYS = {
  unlockRepeatDays: 'unlock_repeat_days',
  institutionName: 'institution_name',
  branchPhone: 'branch_phone',
  centreMailDomains: 'centre_mail_domains',
} as const satisfies Record<keyof BranchSettings, string>
const SETTING_KEYS = Object.values(KEYS)

const DEFAULTS: BranchSettings = {
  unlockRepeatDays: DEFAULT_UNLOCK_REPEAT_DAYS,
  institutionName: '',
  branchPhone: '',
  centreMailDomains: DEFAULT_CENTRE_MAIL_DOMAINS,
}

/** Stored as text: numbers as digits, lists as JSON. */
function decode(key: keyof BranchSettings, raw: string): unknown {
  if (key === 'unlockRepeatDays') return Number(raw)
  if (key === 'centreMailDomains') {
    try {
      return JSON.parse(raw) as unknown
    } catch {
      return undefined
    }
  }
  return raw
}
const encode = (v: unknown): string => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : JSON.stringify(v))

export async function getSettings(db: AppContext['db'] | Tx): Promise<BranchSettings> {
  const rows = await preparedQuery(db, 'settings.branch', (d) => d.select().from(settings).where(inArray(settings.key, SETTING_KEYS)).prepare()).all()
  const out: BranchSettings = { ...DEFAULTS }
  for (const key of Object.keys(KEYS) as (keyof BranchSettings)[]) {
    const raw = rows.find((r) => r.key === KEYS[key])?.value
    if (raw === undefined) continue
    // A value that is not what settings.update writes (edited by hand, damaged) falls back to the default.
    const parsed = branchSettingsSchema.shape[key].safeParse(decode(key, raw))
    if (parsed.success && parsed.data !== undefined) (out as Record<string, unknown>)[key] = parsed.data
  }
  return out
}

export async function updateSettings(ctx: AppContext, input: OpParsed<'settings.update'>, caller: Caller): Promise<BranchSettings> {
  const admin = requireUser(caller)
  await writeTransaction(ctx.db, async (tx) => {
    const before = await getSettings(tx)
    for (const key of Object.keys(KEYS) as (keyof BranchSettings)[]) {
      const value = input[key]
      if (value === undefined) continue
      await tx.insert(settings)
        .values({ key: KEYS[key], value: encode(value) })
        .onConflictDoUpdate({ target: settings.key, set: { value: encode(value) } })
        .run()
    }
    await writeAudit(tx, {
      at: ctx.clock().toISOString(),
      actorId: admin.staffId,
      actorLoginId: admin.loginId,
      action: 'settings.update',
      outcome: 'ok',
      detail: { before, after: await getSettings(tx) },
    })
  })
  return getSettings(ctx.db)
}
