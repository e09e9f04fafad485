// 0009: staff accounts that are safe to hand out (issue 13).
// - staff.login_key: the login ID folded for uniqueness (NFKC, then lower case), with a unique
//   index: `TELLER1`, `teller1` and `ｔｅｌｌｅｒ１` are one ID. Login looks the key up. The login IDs
//   a ledger holds were already NFKC and ASCII (the schema allowed [A-Za-z0-9._-] only), so the
//   fold of an existing ID is SQLite's lower().
//   Existing ledgers with colliding IDs (only possible before this version): the oldest account of
//   each colliding group (lowest id) keeps the ID; every later one is retired by this migration
//   (active 0, retired_at set, an audit row `staff.retire` with reason LOGIN_ID_COLLISION) and
//   gets the key `<folded>#<id>`, which no typed ID can match. Its history stays; an administrator
//   registers the person again under a new ID. Retiring rather than renaming: nobody's login ID
//   changes under their feet, and no one logs in as an account they did not know existed.
// - staff.must_change_password: the password was set by an administrator (creation, reset) and
//   is one-time: it must be changed at the first login before anything else works.
// - staff.auth_version: bumped by every lockout, reset, retirement or role change; a session
//   carries the version it started with, so it ends before its holder's next command, in every
//   process that shares the ledger.
// - staff.retired_at: 退職・異動 (retired). The row and its history stay; login is refused.
export const version = 9
export const name = 'staff_accounts'
export const sql = /* sql */ `
ALTER TABLE staff ADD COLUMN login_key TEXT NOT NULL DEFAULT '';
ALTER TABLE staff ADD COLUMN must_change_password INTEGER NOT NULL DEFAULT 0;
ALTER TABLE staff ADD COLUMN auth_version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE staff ADD COLUMN retired_at TEXT;

UPDATE staff SET login_key = lower(login_id)
  WHERE id = (SELECT min(s2.id) FROM staff s2 WHERE lower(s2.login_id) = lower(staff.login_id));

INSERT INTO audit_log(at, actor_id, actor_login_id, action, outcome, target, detail_json)
  SELECT strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), NULL, NULL, 'staff.retire', 'ok', 'staff:' || s.id,
    json_object('reason', 'LOGIN_ID_COLLISION', 'loginId', s.login_id,
      'keptStaffId', (SELECT min(k.id) FROM staff k WHERE lower(k.login_id) = lower(s.login_id)), 'by', 'migration 0009')
  FROM staff s WHERE s.login_key = '';

UPDATE staff SET login_key = lower(login_id) || '#' || id, active = 0, auth_version = auth_version + 1,
  retired_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
  WHERE login_key = '';

CREATE UNIQUE INDEX staff_login_key_idx ON staff(login_key);
`
