// 0004: every print of the branch. A print is of a request's form (お客さま控, 処理完了のお知らせ,
// 取扱記録票) or of the branch's 日次取扱一覧 for a business date, which has no request. SQLite
// cannot drop a NOT NULL in place, so printed_forms is rebuilt (nothing references it) with the
// journal's branch and date, and a CHECK that each row names exactly one of the two.
export const version = 4
export const name = 'forms'
export const sql = /* sql */ `
CREATE TABLE printed_forms_new (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  request_id INTEGER REFERENCES otp_requests(id),
  branch_id INTEGER REFERENCES branches(id),
  business_date TEXT,
  form_kind TEXT NOT NULL CHECK (form_kind IN ('customer_receipt','completion_notice','handling_record','daily_journal')),
  printed_at TEXT NOT NULL,
  printed_by INTEGER NOT NULL REFERENCES staff(id),
  reprint INTEGER NOT NULL,
  sha256 TEXT NOT NULL,
  file_path TEXT NOT NULL,
  CHECK ((form_kind = 'daily_journal') = (request_id IS NULL)),
  CHECK ((form_kind = 'daily_journal') = (branch_id IS NOT NULL AND business_date IS NOT NULL))
);
INSERT INTO printed_forms_new (id, request_id, form_kind, printed_at, printed_by, reprint, sha256, file_path)
  SELECT id, request_id, form_kind, printed_at, printed_by, reprint, sha256, file_path FROM printed_forms;
DROP TABLE printed_forms;
ALTER TABLE printed_forms_new RENAME TO printed_forms;
CREATE INDEX printed_forms_request_idx ON printed_forms(request_id, form_kind);
CREATE INDEX printed_forms_journal_idx ON printed_forms(branch_id, business_date, form_kind);
`
