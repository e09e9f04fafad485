// 0015: one ledger for many branches (issue 12, the engine-neutral part).
// - staff.role may be 'head_office' (本部): a read-only role that sees every branch and acts on
//   none. SQLite cannot change a CHECK in place, so staff is rebuilt (SQLite's 12 steps, foreign
//   keys off): the same columns in the same order and the same rows, so each row's journaled state
//   (db/journal.ts: the JSON array of its columns in declared order) is unchanged and the journal
//   still verifies without an 'upgrade' entry.
// - (The 検印 queue is per branch now; it reads 0014's otp_requests_state_branch_idx, which the
//   差戻し一覧 added first.)
// - request_submissions: the key a reception form made when it opened (a UUID), with the request
//   the first submission created, a hash of what was submitted, who and when. A repeat of the key
//   (a click repeated after a lost reply, a double click, a reconnect) answers that request
//   instead of receiving a second one; the same key with other content is refused. A new table:
//   journaled like every other.
export const version = 15
export const name = 'branches_and_submissions'
export const foreignKeysOff = true
export const sql = /* sql */ `
CREATE TABLE staff_new (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  login_id TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('teller','supervisor','admin','head_office')),
  branch_id INTEGER NOT NULL REFERENCES branches(id),
  password_hash TEXT NOT NULL,
  failed_attempts INTEGER NOT NULL DEFAULT 0,
  locked_at TEXT,
  active INTEGER NOT NULL DEFAULT 1,
  last_login_at TEXT,
  created_at TEXT NOT NULL,
  login_key TEXT NOT NULL DEFAULT '',
  must_change_password INTEGER NOT NULL DEFAULT 0,
  auth_version INTEGER NOT NULL DEFAULT 1,
  retired_at TEXT
);
INSERT INTO staff_new (id, login_id, name, role, branch_id, password_hash, failed_attempts, locked_at, active, last_login_at,
    created_at, login_key, must_change_password, auth_version, retired_at)
  SELECT id, login_id, name, role, branch_id, password_hash, failed_attempts, locked_at, active, last_login_at,
    created_at, login_key, must_change_password, auth_version, retired_at FROM staff;
DROP TABLE staff;
ALTER TABLE staff_new RENAME TO staff;
CREATE UNIQUE INDEX staff_login_key_idx ON staff(login_key);

CREATE TABLE request_submissions (
  key TEXT PRIMARY KEY,
  request_id INTEGER NOT NULL REFERENCES otp_requests(id),
  payload_hash TEXT NOT NULL,
  staff_id INTEGER NOT NULL REFERENCES staff(id),
  at TEXT NOT NULL
);
`
