// Demo data: one branch, two tellers, two supervisors, an administrator, and 50 customers spread
// over every OTP status of DOMAIN.md; then a second branch (a teller, a supervisor) and the head
// office (a read-only 本部 account). Loaded only into a ledger created for the demo or tests
// (settings.ledger_kind = 'demo'), never into a real one.
import { branches, customers, otpHistory, staff } from './schema'
import type { LedgerDb } from './ledger'
import { addDays, japanDate } from '../shared/datetime'
import { givenKanaKey, givenNameKey, kanaSearchKey, searchFold } from '../shared/normalize'
import { loginKeyOf } from '../shared/staffId'
import type { OtpStatus } from '../shared/status'

export const DEMO_PASSWORD = 'demo-pass-2026'
export const DEMO_BRANCH = { code: '001', name: '本店営業部' }
export const DEMO_STAFF = [
  { loginId: 'teller1', name: '佐藤 美咲', role: 'teller' },
  { loginId: 'teller2', name: '鈴木 翔太', role: 'teller' },
  { loginId: 'super1', name: '高橋 健一', role: 'supervisor' },
  { loginId: 'super2', name: '伊藤 由美', role: 'supervisor' },
  { loginId: 'admin1', name: '渡辺 誠', role: 'admin' },
] as const

/** Added after everything above (issue 12), so the first branch's staff and customers keep their
 * ids: a second branch with its own teller and supervisor, and the head office (本部, read-only). */
export const DEMO_OTHER_BRANCHES = [
  {
    code: '002',
    name: '駅前支店',
    staff: [
      { loginId: 'teller3', name: '中島 さくら', role: 'teller' },
      { loginId: 'super3', name: '村上 浩二', role: 'supervisor' },
    ],
  },
  { code: '900', name: '本部', staff: [{ loginId: 'honbu1', name: '松田 恵子', role: 'head_office' }] },
] as const

const FAMILY = [
  ['田中', 'タナカ'], ['山本', 'ヤマモト'], ['中村', 'ナカムラ'], ['小林', 'コバヤシ'], ['加藤', 'カトウ'],
  ['吉田', 'ヨシダ'], ['山田', 'ヤマダ'], ['佐々木', 'ササキ'], ['山口', 'ヤマグチ'], ['松本', 'マツモト'],
  ['井上', 'イノウエ'], ['木村', 'キムラ'], ['林', 'ハヤシ'], ['斎藤', 'サイトウ'], ['清水', 'シミズ'],
  ['山崎', 'ヤマザキ'], ['森', 'モリ'], ['池田', 'イケダ'], ['橋本', 'ハシモト'], ['阿部', 'アベ'],
  ['石川', 'イシカワ'], ['前田', 'マエダ'], ['藤田', 'フジタ'], ['後藤', 'ゴトウ'], ['岡田', 'オカダ'],
] as const
const GIVEN = [
  ['花子', 'ハナコ'], ['太郎', 'タロウ'], ['優子', 'ユウコ'], ['大輔', 'ダイスケ'], ['陽菜', 'ヒナ'],
  ['蓮', 'レン'], ['恵美', 'エミ'], ['拓也', 'タクヤ'], ['京子', 'キョウコ'], ['直樹', 'ナオキ'],
] as const
const TOWNS = ['秋田市中通二丁目', '秋田市山王四丁目', '秋田市旭北栄町', '大館市字中町', '横手市駅前町'] as const

/** How many demo customers start in each status (50 in all). */
export const DEMO_STATUS_PLAN: ReadonlyArray<[OtpStatus, number]> = [
  ['unregistered', 14],
  ['awaiting_issue', 6],
  ['token_issued', 5],
  ['in_use', 12],
  ['blocked', 4],
  ['suspended', 3],
  ['issuance_restricted', 2],
  ['cancelled', 4],
]

/** Loads the demo data, inside the caller's write transaction (either engine). */
export async function seedDemo(tx: LedgerDb, opts: { passwordHash: string; now: Date }): Promise<void> {
  const at = opts.now.toISOString()
  const today = japanDate(opts.now)
  {
    const branch = (await tx.insert(branches).values(DEMO_BRANCH).returning().get())!
    for (const s of DEMO_STAFF)
      await tx.insert(staff).values({ ...s, loginKey: loginKeyOf(s.loginId), branchId: branch.id, passwordHash: opts.passwordHash, createdAt: at }).run()

    let i = 0
    for (const [status, count] of DEMO_STATUS_PLAN) {
      for (let k = 0; k < count; k++, i++) {
        const [famK, famKana] = FAMILY[i % FAMILY.length]!
        const [givK, givKana] = GIVEN[(i * 7 + Math.floor(i / FAMILY.length)) % GIVEN.length]!
        const nameKana = `${famKana}\u3000${givKana}`
        const year = 1950 + ((i * 3) % 50)
        const birth = `${year}-${String((i % 12) + 1).padStart(2, '0')}-${String((i % 27) + 1).padStart(2, '0')}`
        // One cancelled customer was cancelled today, to show the next-day rule; the others earlier.
        const cancelledOn = status === 'cancelled' ? (k === 0 ? today : addDays(today, -(k * 10))) : null
        const c = await tx
          .insert(customers)
          .values({
            branchId: branch.id,
            nameKanji: `${famK} ${givK}`,
            nameKana,
            kanaKey: kanaSearchKey(nameKana),
            nameKey: searchFold(`${famK} ${givK}`),
            givenNameKey: givenNameKey(`${famK} ${givK}`),
            givenKanaKey: givenKanaKey(nameKana),
            birthDate: birth,
            postalCode: `010-${String(1 + ((i * 37) % 999)).padStart(4, '0')}`,
            address: `秋田県${TOWNS[i % TOWNS.length]}${(i % 9) + 1}-${(i % 20) + 1}`,
            phone: `018-${String(800 + i).padStart(3, '0')}-${String(1000 + i * 13).slice(-4)}`,
            accountBranchCode: DEMO_BRANCH.code,
            accountType: i % 10 === 9 ? 'savings' : 'ordinary',
            accountNumber: String(1000001 + i * 17).padStart(7, '0'),
            ibContractId: String(2000000001 + i * 101).padStart(10, '0'),
            otpStatus: status,
            wrongEntryCount: status === 'blocked' ? 10 : 0,
            statusChangedAt: at,
            cancelledOn,
            createdAt: at,
            updatedAt: at,
          })
          .returning({ id: customers.id })
          .get()
        if (status !== 'unregistered')
          await tx.insert(otpHistory)
            .values({ customerId: c.id, at, kind: 'event', fromStatus: null, toStatus: status, actorId: null, note: 'デモデータ（移行時の登録状況）' })
            .run()
      }
    }
    for (const other of DEMO_OTHER_BRANCHES) {
      const b = (await tx.insert(branches).values({ code: other.code, name: other.name }).returning().get())!
      for (const s of other.staff)
        await tx.insert(staff).values({ ...s, loginKey: loginKeyOf(s.loginId), branchId: b.id, passwordHash: opts.passwordHash, createdAt: at }).run()
    }
  }
}
