// A ledger the size of a real credit union, for the benchmark (tests/bench/bench.ts) and the query
// plan test (tests/integration/query-plans.test.ts). It starts as the app's own demo ledger (real
// migrations, staff, the 50 demo customers) and is then filled with raw inserts in one transaction:
//   - customers over 8 branches, kana names spread over the syllabary (common names more often),
//     every OTP status; ~5 history rows each, one in 997 with 120+;
//   - 2% of the customers with past requests (approved, withdrawn, some resubmitted), each with its
//     history, audit rows and a printed お客さま控;
//   - "today" (BENCH_NOW's business date) at branch 001: size/500 requests (2,000 at 1M), of which
//     size/1000 wait in the 検印 queue (1,000 at 1M), 5 were returned (the branch's 差戻し一覧), and a
//     few unlocks were refused for suspected fraud, recorded as the app records them (counter_refusals,
//     the customer's history and the audit, services/refusals.ts);
//   - each request's first paper version (otp_request_versions, a second after a 再提出);
//   - logins in the audit log.
import { createHash, randomBytes } from 'node:crypto'
import fs from 'node:fs'
import { embeddedContext } from '../../electron/main/context'
import path from 'node:path'
import { chainExistingRows, currentDigest, detachJournal, ledgerTransaction } from '../../db/journal'
import { openSqlite } from '../../db/open'
import { openApp, LEDGER_FILE } from '../../electron/main/ledger'
import { addDays, japanDate } from '../../shared/datetime'
import { givenKanaKey, givenNameKey, kanaSearchKey, searchFold } from '../../shared/normalize'
import type { OtpStatus, RequestKind } from '../../shared/status'
import { REQUEST_TRANSITIONS } from '../../shared/status'

/** Raise when the generated data changes: cached ledgers of another version are rebuilt. */
export const GENERATOR_VERSION = 2
/** The benchmark's clock: 14:00 in Japan on the generated "today". */
export const BENCH_NOW = new Date('2026-11-20T05:00:00Z')
export const BENCH_TODAY = japanDate(BENCH_NOW)

const FAMILY: ReadonlyArray<[string, string]> = [
  ['安藤', 'アンドウ'], ['石井', 'イシイ'], ['上田', 'ウエダ'], ['遠藤', 'エンドウ'], ['大野', 'オオノ'],
  ['加藤', 'カトウ'], ['菊地', 'キクチ'], ['工藤', 'クドウ'], ['小松', 'コマツ'], ['佐藤', 'サトウ'],
  ['鈴木', 'スズキ'], ['関', 'セキ'], ['相馬', 'ソウマ'], ['高橋', 'タカハシ'], ['田中', 'タナカ'],
  ['千葉', 'チバ'], ['土屋', 'ツチヤ'], ['寺田', 'テラダ'], ['藤堂', 'トウドウ'], ['中村', 'ナカムラ'],
  ['西村', 'ニシムラ'], ['沼田', 'ヌマタ'], ['根本', 'ネモト'], ['野口', 'ノグチ'], ['橋本', 'ハシモト'],
  ['菱田', 'ヒシダ'], ['藤田', 'フジタ'], ['堀', 'ホリ'], ['前田', 'マエダ'], ['三浦', 'ミウラ'],
  ['村上', 'ムラカミ'], ['目黒', 'メグロ'], ['森', 'モリ'], ['山本', 'ヤマモト'], ['湯浅', 'ユアサ'],
  ['吉田', 'ヨシダ'], ['若林', 'ワカバヤシ'], ['渡辺', 'ワタナベ'], ['伊藤', 'イトウ'], ['斎藤', 'サイトウ'],
  ['佐々木', 'ササキ'], ['小林', 'コバヤシ'], ['山田', 'ヤマダ'], ['山口', 'ヤマグチ'], ['松本', 'マツモト'],
  ['井上', 'イノウエ'], ['木村', 'キムラ'], ['林', 'ハヤシ'], ['清水', 'シミズ'], ['阿部', 'アベ'],
  ['後藤', 'ゴトウ'], ['岡田', 'オカダ'], ['長谷川', 'ハセガワ'], ['石川', 'イシカワ'], ['近藤', 'コンドウ'],
  ['坂本', 'サカモト'], ['池田', 'イケダ'], ['浅野', 'アサノ'], ['原田', 'ハラダ'], ['和田', 'ワダ'],
]
const GIVEN: ReadonlyArray<[string, string]> = [
  ['花子', 'ハナコ'], ['太郎', 'タロウ'], ['優子', 'ユウコ'], ['大輔', 'ダイスケ'], ['陽菜', 'ヒナ'],
  ['蓮', 'レン'], ['恵美', 'エミ'], ['拓也', 'タクヤ'], ['京子', 'キョウコ'], ['直樹', 'ナオキ'],
  ['翔', 'ショウ'], ['美咲', 'ミサキ'], ['健', 'ケン'], ['由美', 'ユミ'], ['誠', 'マコト'],
  ['彩', 'アヤ'], ['翼', 'ツバサ'], ['葵', 'アオイ'], ['悠真', 'ユウマ'], ['結衣', 'ユイ'],
  ['和也', 'カズヤ'], ['智子', 'トモコ'], ['浩二', 'コウジ'], ['真由美', 'マユミ'], ['正人', 'マサト'],
  ['久美子', 'クミコ'], ['隆', 'タカシ'], ['裕子', 'ユウコ'], ['修', 'オサム'], ['律子', 'リツコ'],
]
const TOWNS = ['秋田市中通二丁目', '秋田市山王四丁目', '秋田市旭北栄町', '大館市字中町', '横手市駅前町', '能代市上町', '湯沢市大町'] as const
export const BENCH_BRANCHES = ['001', '002', '003', '004', '005', '006', '007', '008'] as const
const BRANCH_NAMES = ['本店営業部', '中通支店', '山王支店', '旭北支店', '大館支店', '横手支店', '能代支店', '湯沢支店']

/** Status of generated customers, in per-mille. */
const STATUS_PLAN: ReadonlyArray<[OtpStatus, number]> = [
  ['unregistered', 350],
  ['awaiting_issue', 50],
  ['token_issued', 50],
  ['in_use', 380],
  ['blocked', 40],
  ['suspended', 40],
  ['issuance_restricted', 20],
  ['cancelled', 70],
]

/** Deterministic PRNG (mulberry32): the same ledger every time. */
function rng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

function statusOf(r: number): OtpStatus {
  let acc = 0
  for (const [s, pm] of STATUS_PLAN) {
    acc += pm
    if (r * 1000 < acc) return s
  }
  return 'unregistered'
}

/** A request kind the status allows (new_application for the unregistered). */
function kindFor(status: OtpStatus): RequestKind {
  if (status === 'blocked') return 'unlock'
  if (status === 'suspended') return 'resumption'
  if (status === 'issuance_restricted') return 'restriction_release'
  if (status === 'unregistered' || status === 'cancelled') return 'new_application'
  return 'suspension'
}

const iso = (ms: number) => new Date(ms).toISOString()

export interface GeneratedLedger {
  dir: string
  file: string
  customers: number
  seconds: number
}

/**
 * Builds a ledger of `size` customers in `dir` (which must not hold one yet). Returns when the
 * ledger is closed.
 */
export async function generateLedger(dir: string, size: number): Promise<GeneratedLedger> {
  const started = performance.now()
  const ctx = embeddedContext(await openApp({ dataDir: dir, demo: true, transport: 'ipc', version: 'bench', clock: () => BENCH_NOW }))
  const db = ctx.sqlite
  // Rows are written in bulk below and chained at the end, as an upgrade chains an older ledger.
  detachJournal(db)
  const rand = rng(size)
  const nowMs = BENCH_NOW.getTime()
  const DAY = 86_400_000
  const staffIds = Object.fromEntries(
    (db.prepare('SELECT id, login_id AS loginId FROM staff').all() as { id: number; loginId: string }[]).map((s) => [s.loginId, s.id]),
  ) as Record<string, number>
  const tellers = [staffIds.teller1!, staffIds.teller2!]
  const supervisors = [staffIds.super1!, staffIds.super2!]

  const insBranch = db.prepare('INSERT INTO branches(code, name) VALUES (?, ?)')
  const insCustomer = db.prepare(`INSERT INTO customers(branch_id, name_kanji, name_kana, kana_key, birth_date, postal_code, address, phone,
    account_branch_code, account_type, account_number, ib_contract_id, otp_status, wrong_entry_count, status_changed_at, cancelled_on,
    version, created_at, updated_at, name_key, given_name_key, given_kana_key) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`)
  const insHistory = db.prepare(`INSERT INTO otp_history(customer_id, at, kind, request_id, from_status, to_status, actor_id, note,
    event_kind, event_source, occurred_on) VALUES (?,?,?,?,?,?,?,?,?,?,?)`)
  const insRequest = db.prepare(`INSERT INTO otp_requests(receipt_no, branch_id, customer_id, kind, state, status_at_receipt, result_status,
    form_json, id_document_type, second_document_type, id_checked_by, seal_matched, business_date, received_by, received_at,
    reviewed_by, reviewed_at, return_reason, version, withdraw_reason) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`)
  const insAudit = db.prepare('INSERT INTO audit_log(at, actor_id, actor_login_id, action, outcome, target, detail_json) VALUES (?,?,?,?,?,?,?)')
  const insVersion = db.prepare('INSERT INTO otp_request_versions(request_id, seq, form_json, submitted_by, submitted_at) VALUES (?,?,?,?,?)')
  const insRefusal = db.prepare(`INSERT INTO counter_refusals(branch_id, business_date, customer_id, kind, reason, at, staff_id, detail_json)
    VALUES (?, ?, ?, 'unlock', 'fraud_suspected', ?, ?, ?)`)
  const insPrint = db.prepare(`INSERT INTO printed_forms(request_id, form_kind, printed_at, printed_by, reprint, sha256, file_path)
    VALUES (?, 'customer_receipt', ?, ?, 0, ?, ?)`)
  const upCounter = db.prepare(`INSERT INTO receipt_counters(branch_code, business_date, last_seq) VALUES (?,?,?)
    ON CONFLICT(branch_code, business_date) DO UPDATE SET last_seq = max(last_seq, excluded.last_seq)`)
  const loginOf: Record<number, string> = Object.fromEntries(Object.entries(staffIds).map(([k, v]) => [v, k]))

  db.transaction(() => {
    const branchIds: number[] = []
    for (let b = 0; b < BENCH_BRANCHES.length; b++) {
      const existing = db.prepare('SELECT id FROM branches WHERE code = ?').get(BENCH_BRANCHES[b]) as { id: number } | undefined
      branchIds.push(existing ? existing.id : Number(insBranch.run(BENCH_BRANCHES[b], BRANCH_NAMES[b]).lastInsertRowid))
    }
    const seqs = new Map<string, number>()
    const receiptNo = (branch: string, date: string) => {
      const key = `${branch}|${date}`
      const n = (seqs.get(key) ?? 0) + 1
      seqs.set(key, n)
      return `${branch}-${date.replaceAll('-', '')}-${String(n).padStart(4, '0')}`
    }
    const pendingToday = Math.max(10, Math.floor(size / 1000))
    const requestsToday = Math.max(20, Math.floor(size / 500))
    let today = 0
    let returnedToTeller1 = 0
    const demo = (db.prepare('SELECT count(*) AS n FROM customers').get() as { n: number }).n

    /** One request with its history, audit and print rows. */
    const request = (c: { id: number; status: OtpStatus; branchId: number; branchCode: string; paper: Record<string, unknown> }, atMs: number, state: 'approved' | 'withdrawn' | 'returned' | 'pending_review', resubmitted: boolean, teller: number) => {
      const kind = kindFor(c.status)
      const date = japanDate(new Date(atMs))
      const at = iso(atMs)
      const reviewer = supervisors[atMs % 2]!
      const reviewedAt = state === 'approved' || state === 'returned' ? iso(atMs + 20 * 60_000) : null
      const rno = receiptNo('001', date)
      const form = JSON.stringify({ kind, ...c.paper, applicationDate: date,
        ...(kind === 'unlock' ? { verification: { idDocumentMatches: true, contractHolderConfirmed: true, blockAccount: '機種変更後に古いコードを入力した', othersMayHaveTried: false, fraudSuspected: false } } : {}),
        ...(kind === 'suspension' ? { reason: 'lost_or_stolen' } : {}) })
      const id = Number(
        insRequest.run(rno, branchIds[0], c.id, kind, state, c.status, REQUEST_TRANSITIONS[kind].to, form, 'drivers_license', null, teller, 1, date,
          teller, at, state === 'approved' || state === 'returned' ? reviewer : null, reviewedAt, state === 'returned' ? '本人確認書類の記載を確認してください' : null,
          resubmitted ? 3 : 1, state === 'withdrawn' ? 'お客さまのお申し出により取消' : null).lastInsertRowid,
      )
      insVersion.run(id, 1, form, teller, at)
      if (resubmitted) insVersion.run(id, 2, form, teller, iso(atMs + 10 * 60_000))
      insHistory.run(c.id, at, 'request_received', id, c.status, null, teller, '受付（検印待ち）', null, null, null)
      insAudit.run(at, teller, loginOf[teller], `requests.receive`, 'ok', `request:${id}`, JSON.stringify({ receiptNo: rno, customerId: c.id, kind }))
      if (resubmitted) {
        insHistory.run(c.id, iso(atMs + 5 * 60_000), 'request_returned', id, null, null, reviewer, '記載漏れ', null, null, null)
        insHistory.run(c.id, iso(atMs + 10 * 60_000), 'request_resubmitted', id, null, null, teller, '訂正して再提出（検印待ち）', null, null, null)
      }
      if (state === 'approved') {
        insHistory.run(c.id, reviewedAt, 'request_approved', id, c.status, REQUEST_TRANSITIONS[kind].to, reviewer, '検印・承認', null, null, null)
        insAudit.run(reviewedAt, reviewer, loginOf[reviewer], 'requests.approve', 'ok', `request:${id}`, JSON.stringify({ receiptNo: rno }))
      } else if (state === 'returned') {
        insHistory.run(c.id, reviewedAt, 'request_returned', id, null, null, reviewer, '本人確認書類の記載を確認してください', null, null, null)
      } else if (state === 'withdrawn') {
        insHistory.run(c.id, iso(atMs + 30 * 60_000), 'request_withdrawn', id, null, null, teller, 'お客さまのお申し出により取消', null, null, null)
      }
      if (state !== 'withdrawn') insPrint.run(id, at, teller, 'a'.repeat(64), `forms/${date.slice(0, 4)}/${date.slice(5, 7)}/${rno}_お客さま控_aaaaaaaaaaaa.pdf`)
    }

    for (let i = demo; i < size; i++) {
      const b = i % BENCH_BRANCHES.length
      // Common family names come up more often (a squared uniform leans to the front of the list).
      const fam = FAMILY[Math.floor(rand() ** 2 * FAMILY.length)]!
      const giv = GIVEN[Math.floor(rand() * GIVEN.length)]!
      const nameKana = `${fam[1]}\u3000${giv[1]}`
      // Every fourth request of today is a 閉塞解除 (its customer is blocked).
      const drawn = statusOf(rand())
      const status: OtpStatus = i % 2000 === 251 ? 'blocked' : drawn
      const createdMs = nowMs - Math.floor(rand() * 8 * 365) * DAY
      const birth = `${1935 + Math.floor(rand() * 70)}-${String(1 + Math.floor(rand() * 12)).padStart(2, '0')}-${String(1 + Math.floor(rand() * 28)).padStart(2, '0')}`
      const cancelledOn = status === 'cancelled' ? addDays(BENCH_TODAY, -(2 + Math.floor(rand() * 700))) : null
      const town = TOWNS[i % TOWNS.length]!
      const id = Number(
        insCustomer.run(branchIds[b], `${fam[0]} ${giv[0]}`, nameKana, kanaSearchKey(nameKana), birth, `01${b}-${String(i % 10000).padStart(4, '0')}`,
          `秋田県${town}${(i % 9) + 1}-${(i % 20) + 1}`, `018-${String(100 + (i % 900)).padStart(3, '0')}-${String(i % 10000).padStart(4, '0')}`,
          BENCH_BRANCHES[b], i % 10 === 9 ? 'savings' : 'ordinary', String(2000000 + Math.floor(i / BENCH_BRANCHES.length)).padStart(7, '0'),
          String(3000000000 + i), status, status === 'blocked' ? 10 : 0, iso(createdMs + DAY), cancelledOn, 3, iso(createdMs), iso(createdMs + DAY),
          searchFold(`${fam[0]} ${giv[0]}`), givenNameKey(`${fam[0]} ${giv[0]}`), givenKanaKey(nameKana)).lastInsertRowid,
      )
      // History: the migration's entry and a few events; one customer in 997 has a long one.
      const events = status === 'unregistered' ? Math.floor(rand() * 3) : 5 + Math.floor(rand() * 3)
      const n = i % 997 === 0 ? 120 + Math.floor(rand() * 40) : events
      for (let h = 0; h < n; h++) {
        const atMs = createdMs + Math.floor(((h + 1) / (n + 1)) * (nowMs - createdMs - DAY))
        const centre = h % 3 !== 2
        insHistory.run(id, iso(atMs), 'event', null, h === 0 ? null : 'in_use', status, centre ? null : tellers[h % 2], centre ? 'センター通知' : null,
          'use_started', centre ? 'centre' : 'customer', japanDate(new Date(atMs)))
      }
      const paper = {
        customerId: id, nameKanji: `${fam[0]} ${giv[0]}`, nameKana, phone: '018-800-1000',
        account: { branchCode: BENCH_BRANCHES[b], type: i % 10 === 9 ? 'savings' : 'ordinary', number: String(2000000 + Math.floor(i / BENCH_BRANCHES.length)).padStart(7, '0') },
        ibContractId: String(3000000000 + i), identity: { documentType: 'drivers_license' }, sealMatched: true,
        ...(kindFor(status) === 'new_application' ? { birthDate: birth, postalCode: '010-0001', address: `秋田県${town}` } : {}),
      }
      const c = { id, status, branchId: branchIds[b]!, branchCode: BENCH_BRANCHES[b]!, paper }
      // 2% with past requests.
      if (i % 50 === 7) {
        const count = 1 + (i % 3 === 0 ? 1 : 0)
        for (let k = 0; k < count; k++) {
          const atMs = nowMs - (2 + Math.floor(rand() * 1500)) * DAY - Math.floor(rand() * 6) * 3_600_000
          const r = rand()
          request(c, atMs, r < 0.85 ? 'approved' : 'withdrawn', r > 0.7 && r < 0.85, tellers[k % 2]!)
        }
      }
      // Today's work at branch 001.
      if (i % 500 === 251 && today < requestsToday) {
        const atMs = nowMs - 4 * 3_600_000 + today * 7_000
        const state = today < pendingToday ? 'pending_review' : returnedToTeller1 < 5 ? 'returned' : today % 7 === 0 ? 'withdrawn' : 'approved'
        const teller = state === 'returned' ? tellers[0]! : tellers[today % 2]!
        if (state === 'returned') returnedToTeller1++
        request(c, atMs, state, today % 11 === 0, teller)
        today++
      }
    }
    // A few 閉塞解除 refused for suspected fraud at reception today, written as the app writes them.
    for (let k = 0; k < 5; k++) {
      const at = iso(nowMs - 3_600_000 + k * 60_000)
      const customerId = demo + k * 13
      const status = (db.prepare('SELECT otp_status FROM customers WHERE id = ?').pluck().get(customerId) as string)
      const detail = { othersMayHaveTried: true, blockAccount: null, status }
      insRefusal.run(branchIds[0], BENCH_TODAY, customerId, at, tellers[0], JSON.stringify(detail))
      insHistory.run(customerId, at, 'unlock_refused', null, status, null, tellers[0], '不正利用の疑いがあるため閉塞解除をお断りしました。利用停止の手続きをご案内', null, null, null)
      insAudit.run(at, tellers[0], 'teller1', 'refusals.recordUnlockFraud', 'refused', `customer:${customerId}`, JSON.stringify({ reason: 'FRAUD_SUSPECTED', ...detail }))
    }
    // Logins over the years.
    for (let k = 0; k < size / 10; k++) {
      const who = [...tellers, ...supervisors][k % 4]!
      insAudit.run(iso(nowMs - Math.floor(rand() * 5 * 365) * DAY), who, loginOf[who], 'auth.login', 'ok', `staff:${who}`, null)
    }
    for (const [key, n] of seqs) {
      const [branch, date] = key.split('|') as [string, string]
      upCounter.run(branch, date, n)
    }
  })()
  // The generated rows enter the journal as an upgrade would chain them (0013), and the check at
  // start begins after them.
  db.transaction(() => {
    chainExistingRows(db, BENCH_NOW.toISOString())
    const d = currentDigest(db)
    db.prepare(`INSERT OR REPLACE INTO ledger_verification (id, entry_id, hash, checked_at, full_checked_at, ok, report_json)
      VALUES (1, ?, ?, ?, NULL, 1, NULL)`).run(d.count, d.hash, BENCH_NOW.toISOString())
  })()
  ctx.sqlite.pragma('wal_checkpoint(TRUNCATE)')
  ctx.sqlite.close()
  return { dir, file: path.join(dir, LEDGER_FILE), customers: size, seconds: (performance.now() - started) / 1000 }
}

/** A cached ledger of `size` customers under `cacheRoot`, built once per generator version. */
export async function cachedLedger(cacheRoot: string, size: number): Promise<GeneratedLedger> {
  const dir = path.join(cacheRoot, `v${GENERATOR_VERSION}-${size}`)
  const done = path.join(dir, 'READY')
  if (fs.existsSync(done)) return { dir, file: path.join(dir, LEDGER_FILE), customers: size, seconds: 0 }
  fs.rmSync(dir, { recursive: true, force: true })
  const out = await generateLedger(dir, size)
  fs.writeFileSync(done, JSON.stringify({ size, seconds: out.seconds }))
  return out
}

/**
 * Writes a PDF under `work` for every printed form the generated ledger records (the generator
 * records prints without files) and records each one's SHA-256, journaled: the archive a copy to
 * the server (db/pg/copy.ts) checks and carries. ~40 KB each, like a real form.
 */
export function writeArchive(work: string): { prints: number; pdfBytes: number } {
  const db = openSqlite(path.join(work, LEDGER_FILE))
  const prints = db.prepare('SELECT id, file_path AS filePath FROM printed_forms ORDER BY id').all() as Array<{ id: number; filePath: string }>
  const pdfBytes = 40_000
  ledgerTransaction(
    db,
    () => {
      const up = db.prepare('UPDATE printed_forms SET sha256 = ? WHERE id = ?')
      for (const p of prints) {
        const pdf = Buffer.concat([Buffer.from(`%PDF-1.7 ${p.id}\n`), randomBytes(pdfBytes)])
        const file = path.join(work, ...p.filePath.split('/'))
        fs.mkdirSync(path.dirname(file), { recursive: true })
        fs.writeFileSync(file, pdf)
        up.run(createHash('sha256').update(pdf).digest('hex'), p.id)
      }
    },
    { fallback: { at: new Date().toISOString(), actorId: null, actorLoginId: 'bench', action: 'bench.archive', outcome: 'ok' } },
  )
  db.pragma('wal_checkpoint(TRUNCATE)')
  db.close()
  return { prints: prints.length, pdfBytes }
}
