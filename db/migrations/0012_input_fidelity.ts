// 0012: what the teller types is kept exactly, searches fold it instead, and a request keeps each
// version of its paper form (issue 13, points 6 and 7).
// - customers.name_key: the name in kanji folded for searching (NFKC: 塚 U+FA10 → 塚 U+585A, widths;
//   hiragana → katakana; spaces removed). name_kanji itself keeps the characters as registered.
// - customers.given_name_key / given_kana_key: the given name (名) alone, kanji and kana, so that a
//   search by 名 is served by an index like the search by the whole name ('' when the name has no
//   space between 姓 and 名).
//   The keys are filled by application functions the migration runner registers (otp_search_fold,
//   otp_given_name_key, otp_given_kana_key): one definition of folding, in shared/normalize.ts.
// - otp_request_versions: the paper form of each submission of a request (1 = 受付, 2.. = 再提出),
//   with the supervisor's return reason on the version that was returned. The 検印 screen shows the
//   earlier reason and what changed. Requests received before 0012 get their current form as
//   version 1 (earlier versions were overwritten and cannot be recovered).
export const version = 12
export const name = 'input_fidelity'
export const sql = /* sql */ `
ALTER TABLE customers ADD COLUMN name_key TEXT NOT NULL DEFAULT '';
ALTER TABLE customers ADD COLUMN given_name_key TEXT NOT NULL DEFAULT '';
ALTER TABLE customers ADD COLUMN given_kana_key TEXT NOT NULL DEFAULT '';
UPDATE customers SET
  name_key = otp_search_fold(name_kanji),
  given_name_key = otp_given_name_key(name_kanji),
  given_kana_key = otp_given_kana_key(name_kana);
CREATE INDEX customers_name_key_idx ON customers(name_key);
CREATE INDEX customers_given_name_key_idx ON customers(given_name_key);
CREATE INDEX customers_given_kana_key_idx ON customers(given_kana_key);

CREATE TABLE otp_request_versions (
  request_id INTEGER NOT NULL REFERENCES otp_requests(id),
  seq INTEGER NOT NULL,
  form_json TEXT NOT NULL,
  submitted_by INTEGER NOT NULL REFERENCES staff(id),
  submitted_at TEXT NOT NULL,
  return_reason TEXT,
  returned_by INTEGER REFERENCES staff(id),
  returned_at TEXT,
  PRIMARY KEY (request_id, seq)
);
INSERT INTO otp_request_versions(request_id, seq, form_json, submitted_by, submitted_at, return_reason, returned_by, returned_at)
  SELECT id, 1, form_json, received_by, received_at,
    CASE WHEN state = 'returned' THEN return_reason END,
    CASE WHEN state = 'returned' THEN reviewed_by END,
    CASE WHEN state = 'returned' THEN reviewed_at END
  FROM otp_requests;
`
