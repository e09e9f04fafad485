// PostgreSQL 0003: the server mirror of SQLite 0014 and 0015 (issues 11 and 12).
// - otp_requests_state_branch_idx (state, branch_id, received_at): the 検印 queue and the 差戻し一覧
//   of one branch, read in order whatever the other branches hold (SQLite 0014).
// - staff.role may be 'head_office' (本部, read-only across branches; SQLite 0015 rebuilt the table
//   for its CHECK, PostgreSQL replaces the constraint in place).
// - request_submissions: a reception form's key with the request its first submission created
//   (SQLite 0015); the application role may insert and read it, never change it.
export const version = 3
export const name = 'branches_and_submissions'
export const sql = /* sql */ `
CREATE INDEX otp_requests_state_branch_idx ON otp_requests(state, branch_id, received_at);

ALTER TABLE staff DROP CONSTRAINT staff_role_check;
ALTER TABLE staff ADD CONSTRAINT staff_role_check CHECK (role IN ('teller','supervisor','admin','head_office'));

CREATE TABLE request_submissions (
  key text PRIMARY KEY,
  request_id bigint NOT NULL REFERENCES otp_requests(id),
  payload_hash text NOT NULL,
  staff_id bigint NOT NULL REFERENCES staff(id),
  at text NOT NULL
);
`
