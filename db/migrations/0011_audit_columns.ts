// 0011: the audit trail gets the columns its screen (監査ログ照会, issue 15) filters on, each with
// an index, so that a supervisor's branch, a customer, a request (受付番号) or a member of staff is
// found among millions of audit rows without reading them:
// - branch_id: the branch the entry belongs to (the request's branch, else the actor's branch);
//   a supervisor sees the rows of their branch.
// - customer_id, request_id: whom and what the entry is about. Plain integers, no foreign keys: a
//   refusal may name a request id that was never there, and the trail keeps what was asked.
// Existing rows are filled from what they carried: the target ('request:12', 'customer:34'), the
// request's customer and branch, and the actor's branch. The trail is append-only; its update
// trigger is lifted for this one backfill inside the migration's transaction and put back.
// Indexes end in `at` (and the rowid): newest first, page after page, with no sort.
export const version = 11
export const name = 'audit_columns'
export const sql = /* sql */ `
ALTER TABLE audit_log ADD COLUMN branch_id INTEGER;
ALTER TABLE audit_log ADD COLUMN customer_id INTEGER;
ALTER TABLE audit_log ADD COLUMN request_id INTEGER;

DROP TRIGGER audit_log_no_update;
UPDATE audit_log SET request_id = CAST(substr(target, 9) AS INTEGER) WHERE target LIKE 'request:%';
UPDATE audit_log SET customer_id = CASE
    WHEN target LIKE 'customer:%' THEN CAST(substr(target, 10) AS INTEGER)
    ELSE (SELECT r.customer_id FROM otp_requests r WHERE r.id = audit_log.request_id)
  END
  WHERE target LIKE 'customer:%' OR request_id IS NOT NULL;
UPDATE audit_log SET branch_id = CASE
    WHEN target LIKE 'journal:%' THEN (SELECT b.id FROM branches b WHERE b.code = substr(audit_log.target, 9, 3))
    ELSE coalesce((SELECT r.branch_id FROM otp_requests r WHERE r.id = audit_log.request_id),
                  (SELECT s.branch_id FROM staff s WHERE s.id = audit_log.actor_id))
  END;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;

CREATE INDEX audit_log_branch_idx ON audit_log(branch_id, at);
CREATE INDEX audit_log_branch_action_idx ON audit_log(branch_id, action, at);
CREATE INDEX audit_log_action_idx ON audit_log(action, at);
CREATE INDEX audit_log_actor_idx ON audit_log(actor_id, at);
CREATE INDEX audit_log_customer_idx ON audit_log(customer_id, at) WHERE customer_id IS NOT NULL;
CREATE INDEX audit_log_request_idx ON audit_log(request_id, at) WHERE request_id IS NOT NULL;
`
