// 0001: the first ledger. Every later change is a new numbered file; an applied migration is never
// edited.
export const version = 1
export const name = 'initial'
export const sql = /* sql */ `
CREATE TABLE branches (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  code TEXT NOT NULL UNIQUE CHECK (length(code) = 3),
  name TEXT NOT NULL
);

CREATE TABLE staff (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  login_id TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('teller','supervisor','admin')),
  branch_id INTEGER NOT NULL REFERENCES branches(id),
  password_hash TEXT NOT NULL,
  failed_attempts INTEGER NOT NULL DEFAULT 0,
  locked_at TEXT,
  active INTEGER NOT NULL DEFAULT 1,
  last_login_at TEXT,
  created_at TEXT NOT NULL
);

CREATE TABLE customers (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  branch_id INTEGER NOT NULL REFERENCES branches(id),
  name_kanji TEXT NOT NULL,
  name_kana TEXT NOT NULL,
  kana_key TEXT NOT NULL,
  birth_date TEXT NOT NULL,
  postal_code TEXT NOT NULL,
  address TEXT NOT NULL,
  phone TEXT NOT NULL,
  account_branch_code TEXT NOT NULL,
  account_type TEXT NOT NULL CHECK (account_type IN ('ordinary','current','savings')),
  account_number TEXT NOT NULL CHECK (length(account_number) = 7),
  ib_contract_id TEXT NOT NULL UNIQUE,
  otp_status TEXT NOT NULL DEFAULT 'unregistered' CHECK (otp_status IN
    ('unregistered','awaiting_issue','token_issued','in_use','blocked','suspended','issuance_restricted','cancelled')),
  wrong_entry_count INTEGER NOT NULL DEFAULT 0,
  status_changed_at TEXT NOT NULL,
  cancelled_on TEXT,
  version INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX customers_account_uq ON customers(account_branch_code, account_type, account_number);
CREATE INDEX customers_kana_key_idx ON customers(kana_key);

CREATE TABLE otp_requests (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  receipt_no TEXT NOT NULL UNIQUE,
  branch_id INTEGER NOT NULL REFERENCES branches(id),
  customer_id INTEGER NOT NULL REFERENCES customers(id),
  kind TEXT NOT NULL CHECK (kind IN
    ('new_application','suspension','resumption','cancellation','unlock','restriction_release')),
  state TEXT NOT NULL CHECK (state IN ('pending_review','approved','returned','withdrawn')),
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
  CHECK (reviewed_by IS NULL OR reviewed_by <> received_by)
);
CREATE INDEX otp_requests_state_idx ON otp_requests(state, received_at);
CREATE INDEX otp_requests_customer_idx ON otp_requests(customer_id);

CREATE TABLE otp_history (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  customer_id INTEGER NOT NULL REFERENCES customers(id),
  at TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('request_received','request_approved','event')),
  request_id INTEGER REFERENCES otp_requests(id),
  from_status TEXT,
  to_status TEXT,
  actor_id INTEGER REFERENCES staff(id),
  note TEXT
);
CREATE INDEX otp_history_customer_idx ON otp_history(customer_id, at);

CREATE TABLE receipt_counters (
  branch_code TEXT NOT NULL,
  business_date TEXT NOT NULL,
  last_seq INTEGER NOT NULL,
  PRIMARY KEY (branch_code, business_date)
);

CREATE TABLE printed_forms (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  request_id INTEGER NOT NULL REFERENCES otp_requests(id),
  form_kind TEXT NOT NULL,
  printed_at TEXT NOT NULL,
  printed_by INTEGER NOT NULL REFERENCES staff(id),
  reprint INTEGER NOT NULL,
  sha256 TEXT NOT NULL,
  file_path TEXT NOT NULL
);

CREATE TABLE audit_log (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  at TEXT NOT NULL,
  actor_id INTEGER REFERENCES staff(id),
  actor_login_id TEXT,
  action TEXT NOT NULL,
  outcome TEXT NOT NULL CHECK (outcome IN ('ok','refused','failed')),
  target TEXT,
  detail_json TEXT
);
CREATE INDEX audit_log_at_idx ON audit_log(at);

-- The audit trail is append-only.
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;

CREATE TABLE settings (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
`
