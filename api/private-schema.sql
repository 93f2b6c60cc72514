-- The private store: users, sessions, the audit log and saved queries, in a DuckDB file of its own
-- (api/private-store.ts). The warehouse's instance, the only one analyst SQL runs on, never attaches
-- it, so no SQL statement — checked or not — can read or change a user. Applied on every open
-- (idempotent). The definitions are those the warehouse used to hold, so that rows copied from an
-- older warehouse (migrateFromWarehouse) keep their columns and ids.

CREATE TABLE IF NOT EXISTS app_user (
  username       VARCHAR PRIMARY KEY,
  password_hash  VARCHAR NOT NULL,
  role           VARCHAR NOT NULL CHECK (role IN ('admin', 'analyst', 'leader', 'viewer')),
  municipalities VARCHAR[] NOT NULL DEFAULT [],
  disabled       BOOLEAN NOT NULL DEFAULT false,
  created_at     TIMESTAMP NOT NULL DEFAULT current_timestamp
);
COMMENT ON TABLE app_user IS 'Users; passwords are argon2id hashes.';

CREATE TABLE IF NOT EXISTS app_session (
  token_hash  VARCHAR PRIMARY KEY,
  username    VARCHAR NOT NULL,
  created_at  TIMESTAMP NOT NULL,
  expires_at  TIMESTAMP NOT NULL,
  revoked     BOOLEAN NOT NULL DEFAULT false
);
COMMENT ON TABLE app_session IS 'Login sessions; the token itself is never stored, only its SHA-256.';

CREATE SEQUENCE IF NOT EXISTS audit_id_seq START 1;
CREATE TABLE IF NOT EXISTS audit_log (
  id          BIGINT PRIMARY KEY DEFAULT nextval('audit_id_seq'),
  occurred_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
  username    VARCHAR,
  action      VARCHAR NOT NULL,
  target      VARCHAR,
  parameters  VARCHAR,
  outcome     VARCHAR
);
COMMENT ON TABLE audit_log IS 'Who asked for what data when: every data request, SQL statement and import.';

CREATE SEQUENCE IF NOT EXISTS saved_query_id_seq START 1;
CREATE TABLE IF NOT EXISTS saved_query (
  id          BIGINT PRIMARY KEY DEFAULT nextval('saved_query_id_seq'),
  username    VARCHAR NOT NULL,
  title       VARCHAR NOT NULL,
  sql         VARCHAR NOT NULL,
  shared      BOOLEAN NOT NULL DEFAULT false,
  created_at  TIMESTAMP NOT NULL DEFAULT current_timestamp
);
COMMENT ON TABLE saved_query IS 'SQL workbench queries saved by analysts; shared ones are visible to other analysts.';
