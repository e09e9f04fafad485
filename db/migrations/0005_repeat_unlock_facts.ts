// 0005: a repeated 閉塞解除 as the approver saw it. Until now the 取扱記録票 and the 日次取扱一覧
// worked the repeat out again at print time with the period in force then, so an administrator
// changing the period (支店設定) rewrote signed history: a reprint could claim that a supervisor
// skipped an acknowledgement nobody asked for, or drop one that was given. The approval now keeps
// the facts it decided on: how many earlier unlocks fell within how many days, and the latest.
//
// Unlocks approved before this version: those approved with an acknowledgement get their facts
// worked out once here, with the period set now (nothing kept the period of that day). Where that
// period no longer reaches the earlier unlock, the facts say what is still true: the earlier
// unlocks within the days that separate the approval from the latest one. Unlocks approved
// without an acknowledgement were no repeat and keep no facts.
export const version = 5
export const name = 'repeat_unlock_facts'

/** Earlier approved unlocks of the same customer within `days` before `r`'s approval. */
const earlier = (select: string, days: string) => /* sql */ `(
    SELECT ${select} FROM otp_requests e
    WHERE e.customer_id = r.customer_id AND e.kind = 'unlock' AND e.state = 'approved' AND e.id <> r.id
      AND julianday(e.reviewed_at) <= julianday(r.reviewed_at)
      AND julianday(e.reviewed_at) >= julianday(r.reviewed_at) - ${days})`

const LEGACY = `r.kind = 'unlock' AND r.state = 'approved' AND r.repeat_unlock_acknowledged = 1`

export const sql = /* sql */ `
ALTER TABLE otp_requests ADD COLUMN repeat_unlock_count INTEGER;
ALTER TABLE otp_requests ADD COLUMN repeat_unlock_days INTEGER;
ALTER TABLE otp_requests ADD COLUMN repeat_unlock_last_at TEXT;

UPDATE otp_requests AS r SET
  repeat_unlock_days = p.days,
  repeat_unlock_count = ${earlier('count(*)', 'p.days')},
  repeat_unlock_last_at = ${earlier('max(e.reviewed_at)', 'p.days')}
FROM (
  SELECT coalesce((SELECT CAST(value AS INTEGER) FROM settings
                   WHERE key = 'unlock_repeat_days' AND value GLOB '[0-9]*' AND NOT value GLOB '*[^0-9]*'
                     AND CAST(value AS INTEGER) BETWEEN 1 AND 366), 30) AS days
) AS p
WHERE ${LEGACY};

UPDATE otp_requests AS r SET
  repeat_unlock_last_at = ${earlier('max(e.reviewed_at)', '100000')}
WHERE ${LEGACY} AND r.repeat_unlock_count = 0;
UPDATE otp_requests AS r SET
  repeat_unlock_days = CAST(ceil(julianday(r.reviewed_at) - julianday(r.repeat_unlock_last_at)) AS INTEGER)
WHERE ${LEGACY} AND r.repeat_unlock_count = 0 AND r.repeat_unlock_last_at IS NOT NULL;
UPDATE otp_requests AS r SET
  repeat_unlock_count = ${earlier('count(*)', 'r.repeat_unlock_days')}
WHERE ${LEGACY} AND r.repeat_unlock_count = 0 AND r.repeat_unlock_last_at IS NOT NULL;

-- No earlier unlock to be found at all: the acknowledgement stays, without facts.
UPDATE otp_requests AS r SET repeat_unlock_count = NULL, repeat_unlock_days = NULL, repeat_unlock_last_at = NULL
WHERE ${LEGACY} AND r.repeat_unlock_count = 0;
`
