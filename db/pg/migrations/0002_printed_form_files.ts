// PostgreSQL 0002: the archive of printed PDFs in the ledger itself (issue 12). On one PC the
// PDFs are files under the data folder (db/formArchive.ts), named by printed_forms.file_path with
// their SHA-256 in printed_forms.sha256. On the server every terminal must reach them for 再発行 and
// verification; they live here, one row per printed form, because
//  - one pg_dump (and a standby) carries the ledger and its PDFs together, at the same instant:
//    no second backup to forget, no record without its file after a restore;
//  - every terminal reaches them through the connection it already has (TLS, its role's grants):
//    no shared folder to open, secure and keep in step with the ledger;
//  - the database checks what the folder could not: the bytes hash to the recorded SHA-256 and that
//    hash is the one printed_forms recorded, and a PDF once stored is never changed or removed.
// Not journaled (like the forms/ folder): the journal carries printed_forms.sha256, which pins
// these bytes. PDFs are already compressed, so the column is stored EXTERNAL (no second compression).
export const version = 2
export const name = 'printed_form_files'
export const sql = /* sql */ `
CREATE TABLE printed_form_files (
  printed_form_id bigint PRIMARY KEY REFERENCES printed_forms(id),
  sha256 text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  pdf bytea NOT NULL,
  CONSTRAINT printed_form_files_bytes_match CHECK (encode(sha256(pdf), 'hex') = sha256)
);
ALTER TABLE printed_form_files ALTER COLUMN pdf SET STORAGE EXTERNAL;

CREATE FUNCTION printed_form_files_match_record() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM printed_forms p WHERE p.id = NEW.printed_form_id AND p.sha256 = NEW.sha256) THEN
    RAISE EXCEPTION 'printed_form_files %: the SHA-256 is not the one printed_forms recorded', NEW.printed_form_id
      USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER printed_form_files_match BEFORE INSERT ON printed_form_files FOR EACH ROW EXECUTE FUNCTION printed_form_files_match_record();
CREATE TRIGGER printed_form_files_no_update BEFORE UPDATE ON printed_form_files FOR EACH ROW EXECUTE FUNCTION otp_refuse_change();
CREATE TRIGGER printed_form_files_no_delete BEFORE DELETE ON printed_form_files FOR EACH ROW EXECUTE FUNCTION otp_refuse_change();
CREATE TRIGGER printed_form_files_no_truncate BEFORE TRUNCATE ON printed_form_files FOR EACH STATEMENT EXECUTE FUNCTION otp_refuse_change();
`
