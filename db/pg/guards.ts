// What the PostgreSQL ledger refuses by itself, whoever is connected (issue 12, defence in depth):
// a terminal's stolen credentials must not be able to rewrite history or break 四眼.
// Part of migration 0001 (db/pg/migrations/0001_initial.ts). The CHECKs on otp_requests (the receiver
// or the taker never approves) are in the table itself, as in SQLite.
//
// 1. Append-only: audit_log, ledger_journal and ledger_journal_rows refuse UPDATE, DELETE and
//    TRUNCATE, also for the owner role (only dropping the trigger, which is DDL, would lift it;
//    the application role has no DDL).
// 2. A change of customers.otp_status must come with its otp_history row (to_status = the new
//    status) written in the same transaction. A DEFERRABLE INITIALLY DEFERRED constraint trigger
//    checks it at COMMIT, so the services may write the row after the UPDATE, as they do. "In the
//    same transaction" is read from the history row's xmin: a row visible to us whose inserting
//    transaction is still in progress can only be ours (or one of our subtransactions).
// 3. The journal's one order: every append first calls ledger_journal_head(), which takes a
//    transaction-level advisory lock (held until COMMIT or ROLLBACK) and returns the last entry
//    (id, hash); so two terminals append one after the other, never from the same head. A BEFORE
//    INSERT trigger takes the same lock and refuses an entry that does not follow the head
//    (id = head + 1, prev_hash = head's hash; 64 zeros before entry 1). Appends must run at READ
//    COMMITTED (the default): a REPEATABLE READ snapshot older than the lock would see an old head,
//    and its entry is then refused (primary key or the chain check), never forked.

/** Key of the advisory lock that orders journal appends (and the one migrations take, below). */
export const JOURNAL_LOCK_KEY = 0x4f54504a // 'OTPJ'
export const MIGRATION_LOCK_KEY = 0x4f54504d // 'OTPM'

export const GUARDS_SQL = /* sql */ `
CREATE FUNCTION otp_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only (% refused)', TG_TABLE_NAME, TG_OP USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log FOR EACH ROW EXECUTE FUNCTION otp_refuse_change();
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log FOR EACH ROW EXECUTE FUNCTION otp_refuse_change();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log FOR EACH STATEMENT EXECUTE FUNCTION otp_refuse_change();
CREATE TRIGGER ledger_journal_no_update BEFORE UPDATE ON ledger_journal FOR EACH ROW EXECUTE FUNCTION otp_refuse_change();
CREATE TRIGGER ledger_journal_no_delete BEFORE DELETE ON ledger_journal FOR EACH ROW EXECUTE FUNCTION otp_refuse_change();
CREATE TRIGGER ledger_journal_no_truncate BEFORE TRUNCATE ON ledger_journal FOR EACH STATEMENT EXECUTE FUNCTION otp_refuse_change();
CREATE TRIGGER ledger_journal_rows_no_update BEFORE UPDATE ON ledger_journal_rows FOR EACH ROW EXECUTE FUNCTION otp_refuse_change();
CREATE TRIGGER ledger_journal_rows_no_delete BEFORE DELETE ON ledger_journal_rows FOR EACH ROW EXECUTE FUNCTION otp_refuse_change();
CREATE TRIGGER ledger_journal_rows_no_truncate BEFORE TRUNCATE ON ledger_journal_rows FOR EACH STATEMENT EXECUTE FUNCTION otp_refuse_change();

-- Whether a row's xmin is this transaction (or one of its subtransactions): visible and in progress.
-- xmin is a 32-bit xid; pg_xact_status wants the 64-bit one: ours (pg_current_xact_id) plus the
-- circular distance from ours, as PostgreSQL itself compares xids. Our subtransactions come after
-- us (distance >= 0); an old frozen row may land "in the future", which is not ours either.
CREATE FUNCTION otp_xmin_is_mine(x xid) RETURNS boolean LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  cur bigint := pg_current_xact_id()::text::bigint;
  d bigint := (((x::text::bigint - (cur & 4294967295)) + 2147483648) % 4294967296 + 4294967296) % 4294967296 - 2147483648;
BEGIN
  IF d < 0 THEN RETURN false; END IF;
  RETURN pg_xact_status((cur + d)::text::xid8) = 'in progress';
EXCEPTION WHEN invalid_parameter_value THEN
  RETURN false;
END $$;

CREATE FUNCTION otp_status_has_history() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  now_status text;
BEGIN
  SELECT otp_status INTO now_status FROM customers WHERE id = NEW.id;
  IF NOT FOUND THEN RETURN NULL; END IF;
  IF NOT EXISTS (
    SELECT 1 FROM otp_history h
     WHERE h.customer_id = NEW.id AND h.to_status = now_status AND otp_xmin_is_mine(h.xmin)
  ) THEN
    RAISE EXCEPTION 'customers.otp_status of customer % changed to % without its otp_history row', NEW.id, now_status
      USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  RETURN NULL;
END $$;
CREATE CONSTRAINT TRIGGER customers_status_needs_history
  AFTER UPDATE OF otp_status ON customers
  DEFERRABLE INITIALLY DEFERRED
  FOR EACH ROW WHEN (OLD.otp_status IS DISTINCT FROM NEW.otp_status)
  EXECUTE FUNCTION otp_status_has_history();

CREATE FUNCTION ledger_journal_head(OUT id bigint, OUT hash text) LANGUAGE plpgsql VOLATILE AS $$
BEGIN
  PERFORM pg_advisory_xact_lock(${JOURNAL_LOCK_KEY});
  SELECT j.id, j.hash INTO id, hash FROM ledger_journal j ORDER BY j.id DESC LIMIT 1;
  IF NOT FOUND THEN id := 0; hash := repeat('0', 64); END IF;
END $$;

CREATE FUNCTION ledger_journal_follows_head() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  head record;
BEGIN
  SELECT * INTO head FROM ledger_journal_head();
  IF NEW.id <> head.id + 1 OR NEW.prev_hash <> head.hash THEN
    RAISE EXCEPTION 'ledger_journal entry % does not follow the head (entry %)', NEW.id, head.id
      USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER ledger_journal_in_order BEFORE INSERT ON ledger_journal FOR EACH ROW EXECUTE FUNCTION ledger_journal_follows_head();
`
