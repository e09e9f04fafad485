// 0008: the counter as a branch works it (issue 13).
// - otp_requests gains the state 'superseded' (an urgent 利用停止 closed the customer's open request),
//   `urgent` (a 利用停止 for 紛失・盗難 / 不正利用の疑い that took effect at reception; the supervisor's
//   検印 follows), who took a returned request over (引継ぎ) and who closed it (取消 by a supervisor,
//   or the urgent stop that superseded it) and when. SQLite cannot change a CHECK in place, so the
//   table is rebuilt with foreign keys off (otp_history and printed_forms reference it; the rows keep
//   their ids, and foreign_key_check runs before the commit). The four-eyes CHECK now also holds
//   for whoever took the request over.
// - otp_history gains the kinds request_superseded, request_taken_over and unlock_refused.
// - counter_refusals: a 閉塞解除 refused at the counter for suspected fraud, where no request is
//   sent on; the 日次取扱一覧 reads it by branch and date. Refusals an older app only audited
//   (action requests.receiveUnlock, target customer:<id>) are copied in, so old journals keep them.
// - Indexes: a teller's requests of the day, and requests closed (superseded) per receiver.
export const version = 8
export const name = 'branch_work'
export const foreignKeysOff = true
export const sql = /* sql */ `
CREATE TABLE otp_requests_new (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  receipt_no TEXT NOT NULL UNIQUE,
  branch_id INTEGER NOT NULL REFERENCES branches(id),
  customer_id INTEGER NOT NULL REFERENCES customers(id),
  kind TEXT NOT NULL CHECK (kind IN
    ('new_application','suspension','resumption','cancellation','unlock','restriction_release')),
  state TEXT NOT NULL CHECK (state IN ('pending_review','approved','returned','withdrawn','superseded')),
  status_at_receipt TEXT NOT NULL,
  result_status TEXT NOT NULL,
  form_json TEXT NOT NULL,
  id_document_type TEXT NOT NULL,
  second_document_type TEXT,
  id_checked_by INTEGER NOT NULL REFERENCES staff(id),
  seal_matched INTEGER NOT NULL,
  business_date TEXT NOT NULL,
  received_by INTEGER NOT NULL REFERENCES staff(id),
  received_at TEXT NOT NULL,
  reviewed_by INTEGER REFERENCES staff(id),
  reviewed_at TEXT,
  return_reason TEXT,
  version INTEGER NOT NULL DEFAULT 1,
  withdraw_reason TEXT,
  repeat_unlock_acknowledged INTEGER,
  repeat_unlock_count INTEGER,
  repeat_unlock_days INTEGER,
  repeat_unlock_last_at TEXT,
  urgent INTEGER NOT NULL DEFAULT 0,
  taken_over_by INTEGER REFERENCES staff(id),
  taken_over_at TEXT,
  closed_by INTEGER REFERENCES staff(id),
  closed_at TEXT,
  superseded_by INTEGER REFERENCES otp_requests(id),
  CHECK (reviewed_by IS NULL OR reviewed_by <> received_by),
  CHECK (reviewed_by IS NULL OR taken_over_by IS NULL OR reviewed_by <> taken_over_by),
  CHECK ((state = 'superseded') = (superseded_by IS NOT NULL))
);
INSERT INTO otp_requests_new (id, receipt_no, branch_id, customer_id, kind, state, status_at_receipt, result_status,
  form_json, id_document_type, second_document_type, id_checked_by, seal_matched, business_date, received_by,
  received_at, reviewed_by, reviewed_at, return_reason, version, withdraw_reason, repeat_unlock_acknowledged,
  repeat_unlock_count, repeat_unlock_days, repeat_unlock_last_at)
SELECT id, receipt_no, branch_id, customer_id, kind, state, status_at_receipt, result_status,
  form_json, id_document_type, second_document_type, id_checked_by, seal_matched, business_date, received_by,
  received_at, reviewed_by, reviewed_at, return_reason, version, withdraw_reason, repeat_unlock_acknowledged,
  repeat_unlock_count, repeat_unlock_days, repeat_unlock_last_at FROM otp_requests;
DROP TABLE otp_requests;
ALTER TABLE otp_requests_new RENAME TO otp_requests;
CREATE INDEX otp_requests_state_idx ON otp_requests(state, received_at);
CREATE INDEX otp_requests_customer_idx ON otp_requests(customer_id);
CREATE INDEX otp_requests_journal_idx ON otp_requests(branch_id, business_date, received_at);
CREATE INDEX otp_requests_business_date_idx ON otp_requests(business_date, branch_id, kind);
CREATE INDEX otp_requests_receiver_day_idx ON otp_requests(received_by, business_date, received_at);
CREATE INDEX otp_requests_receiver_closed_idx ON otp_requests(received_by, state, closed_at);

CREATE TABLE otp_history_new (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  customer_id INTEGER NOT NULL REFERENCES customers(id),
  at TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN
    ('request_received','request_approved','request_returned','request_resubmitted','request_withdrawn','event',
     'request_superseded','request_taken_over','unlock_refused')),
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
CREATE INDEX otp_history_customer_idx ON otp_history(customer_id, at);
CREATE INDEX otp_history_request_idx ON otp_history(request_id, at);
CREATE INDEX otp_history_event_idx ON otp_history(customer_id, event_kind, occurred_on) WHERE event_kind IS NOT NULL;

CREATE TABLE counter_refusals (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  branch_id INTEGER NOT NULL REFERENCES branches(id),
  business_date TEXT NOT NULL,
  customer_id INTEGER NOT NULL REFERENCES customers(id),
  kind TEXT NOT NULL CHECK (kind IN ('unlock')),
  reason TEXT NOT NULL CHECK (reason IN ('fraud_suspected')),
  at TEXT NOT NULL,
  staff_id INTEGER NOT NULL REFERENCES staff(id),
  detail_json TEXT NOT NULL
);
CREATE INDEX counter_refusals_journal_idx ON counter_refusals(branch_id, business_date, at);
INSERT INTO counter_refusals (branch_id, business_date, customer_id, kind, reason, at, staff_id, detail_json)
SELECT s.branch_id, date(a.at, '+9 hours'), CAST(substr(a.target, 10) AS INTEGER), 'unlock', 'fraud_suspected', a.at, a.actor_id,
  '{"source":"audit","auditId":' || a.id || '}'
FROM audit_log a JOIN staff s ON s.id = a.actor_id
WHERE a.action = 'requests.receiveUnlock' AND a.outcome = 'refused' AND a.target LIKE 'customer:%'
  AND a.detail_json LIKE '%"FRAUD_SUSPECTED"%'
  AND CAST(substr(a.target, 10) AS INTEGER) IN (SELECT id FROM customers);
`
