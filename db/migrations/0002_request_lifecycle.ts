// 0002: the whole request lifecycle. History rows gain the 差戻し / 再提出 / 取消 kinds and, for
// events reported by the centre or the customer, what happened, where it came from and on which
// day. SQLite cannot change a CHECK constraint in place, so otp_history is rebuilt (nothing
// references it); requests gain the reason of a withdrawal.
export const version = 2
export const name = 'request_lifecycle'
export const sql = /* sql */ `
CREATE TABLE otp_history_new (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  customer_id INTEGER NOT NULL REFERENCES customers(id),
  at TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN
    ('request_received','request_approved','request_returned','request_resubmitted','request_withdrawn','event')),
  request_id INTEGER REFERENCES otp_requests(id),
  from_status TEXT,
  to_status TEXT,
  actor_id INTEGER REFERENCES staff(id),
  note TEXT,
  event_kind TEXT CHECK (event_kind IS NULL OR event_kind IN ('token_issued','use_started','blocked','issuance_restricted')),
  event_source TEXT CHECK (event_source IS NULL OR event_source IN ('centre','customer','bank_system')),
  occurred_on TEXT
);
INSERT INTO otp_history_new (id, customer_id, at, kind, request_id, from_status, to_status, actor_id, note)
  SELECT id, customer_id, at, kind, request_id, from_status, to_status, actor_id, note FROM otp_history;
DROP TABLE otp_history;
ALTER TABLE otp_history_new RENAME TO otp_history;
CREATE INDEX otp_history_customer_idx ON otp_history(customer_id, at);

ALTER TABLE otp_requests ADD COLUMN withdraw_reason TEXT;
`
