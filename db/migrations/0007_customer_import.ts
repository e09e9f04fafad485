// 0007: the customer master comes from the core banking system's extracts, and the OTP events from
// the IB centre's status list (issue 14).
// - customers.closed_on: the Japan business date on which a full extract no longer listed the
//   customer (解約). The row, its requests and its history stay; new requests are refused.
// - otp_history.event_source may be 'centre_feed' (センター連携: read from the centre's list).
//   SQLite cannot change a CHECK in place, so otp_history is rebuilt (nothing references it) and
//   its indexes made again, including 0006's otp_history_request_idx.
// - otp_requests by business date, branch and kind: the exports and the 集計 screen read a period
//   of requests, which the (state, received_at) index cannot serve.
// - otp_history events by customer, kind and day: the status list skips lines already recorded,
//   one indexed look-up per line.
export const version = 7
export const name = 'customer_import'
export const sql = /* sql */ `
ALTER TABLE customers ADD COLUMN closed_on TEXT;

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
  event_source TEXT CHECK (event_source IS NULL OR event_source IN ('centre','customer','bank_system','centre_feed')),
  occurred_on TEXT
);
INSERT INTO otp_history_new SELECT id, customer_id, at, kind, request_id, from_status, to_status, actor_id, note,
  event_kind, event_source, occurred_on FROM otp_history;
DROP TABLE otp_history;
ALTER TABLE otp_history_new RENAME TO otp_history;
CREATE INDEX IF NOT EXISTS otp_history_customer_idx ON otp_history(customer_id, at);
CREATE INDEX IF NOT EXISTS otp_history_request_idx ON otp_history(request_id, at);
CREATE INDEX otp_history_event_idx ON otp_history(customer_id, event_kind, occurred_on) WHERE event_kind IS NOT NULL;

CREATE INDEX otp_requests_business_date_idx ON otp_requests(business_date, branch_id, kind);
`
