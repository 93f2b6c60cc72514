// Specification: analyst SQL can only read the documented warehouse. Every statement below must be
// answered 400 with a message, and afterwards: no sentinel file exists, neither /etc/passwd nor the
// secret file in the import directory leaked into any answer, no engine setting changed, no table
// changed, and every attempt is in the audit log with the user. Then the issue-9 family (comment, \r
// and EXPLAIN tricks, credentials via error(), catalogue macros) and malformed input.
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqlHarness, type SqlHarness } from './harness.ts';

let h: SqlHarness;
const settingNames = ['enable_external_access', 'lock_configuration', 'allowed_directories', 'memory_limit', 'threads', 'enable_logging', 'logging_storage', 'autoinstall_known_extensions', 'autoload_known_extensions'];

async function settings(): Promise<string> {
  return h.warehouse.withConnection(async (connection) => {
    const reader = await connection.runAndReadAll(
      `SELECT name, value FROM duckdb_settings() WHERE name IN (${settingNames.map((n) => `'${n}'`).join(',')}) ORDER BY name`,
    );
    return JSON.stringify(reader.getRowsJson());
  });
}

async function tableState(): Promise<string> {
  // Users live in the private store (api/private-store.ts), which analyst SQL's instance never sees.
  const users = await h.privateStore.withConnection(async (connection) =>
    JSON.stringify((await connection.runAndReadAll(`SELECT username, password_hash, role, disabled FROM app_user ORDER BY username`)).getRowsJson()),
  );
  const warehouse = await h.warehouse.withConnection(async (connection) => {
    const reader = await connection.runAndReadAll(`SELECT
      (SELECT count(*) FROM municipality), (SELECT string_agg(table_name, ',' ORDER BY table_name) FROM duckdb_tables()),
      (SELECT count(*) FROM duckdb_databases()), (SELECT string_agg(function_name, ',' ORDER BY function_name) FROM duckdb_functions() WHERE NOT internal)`);
    return JSON.stringify(reader.getRowsJson());
  });
  return users + warehouse;
}

beforeAll(async () => {
  h = await sqlHarness({ privateSeed: `INSERT INTO app_user (username, password_hash, role) VALUES ('boss', 'argon2-secret-hash', 'admin')` });
  writeFileSync(join(h.importDirectory, 'secret.csv'), 'code\nTOPSECRET-IMPORT-FILE\n');
});
afterAll(async () => h?.close());

describe('the attack list', () => {
  const sentinel = () => join(h.dir, 'pwned.txt');
  const sentinelInImports = () => join(h.importDirectory, 'pwned.csv');
  const attacks: [string, () => string][] = [
    ['read_csv of a system file', () => `SELECT * FROM read_csv('/etc/passwd')`],
    ['a file name as a table', () => `SELECT * FROM '/etc/passwd'`],
    ['FROM-first file name', () => `FROM '/etc/passwd'`],
    ['a quoted identifier naming a file in the import directory', () => `SELECT * FROM "${h.importDirectory}/secret.csv"`],
    ['read_csv_auto inside the allowed import directory', () => `SELECT * FROM read_csv_auto('${h.importDirectory}/secret.csv')`],
    ['read_text', () => `SELECT content FROM read_text('/etc/passwd')`],
    ['read_blob', () => `SELECT * FROM read_blob('/etc/passwd')`],
    ['glob', () => `SELECT * FROM glob('/etc/*')`],
    ['sniff_csv', () => `SELECT * FROM sniff_csv('/etc/passwd')`],
    ['read_json_auto', () => `SELECT * FROM read_json_auto('/etc/passwd')`],
    ['read_parquet with a list', () => `SELECT * FROM read_parquet(['/etc/passwd'])`],
    ['parquet_metadata', () => `SELECT * FROM parquet_metadata('/etc/passwd')`],
    ['file read in a scalar subquery', () => `SELECT (SELECT content FROM read_text('/etc/passwd')) AS x`],
    ['file read in a LATERAL join', () => `SELECT * FROM municipality, LATERAL read_text('/etc/passwd')`],
    ['file read via DESCRIBE', () => `DESCRIBE SELECT * FROM read_csv('/etc/passwd')`],
    ['upper-case quoted function name', () => `SELECT * FROM "READ_CSV"('/etc/passwd')`],
    ['COPY TO a file', () => `COPY (SELECT 1) TO '${sentinel()}'`],
    ['COPY into the import directory', () => `COPY (SELECT 1 AS a) TO '${sentinelInImports()}'`],
    ['EXPLAIN of a COPY', () => `EXPLAIN COPY (SELECT 1) TO '${sentinel()}'`],
    ['comment before COPY', () => `-- harmless\n/* still harmless */ COPY (SELECT 1) TO '${sentinel()}'`],
    ['EXPORT DATABASE', () => `EXPORT DATABASE '${join(h.dir, 'export')}'`],
    ['ATTACH', () => `ATTACH '${join(h.dir, 'other.duckdb')}' AS other`],
    ['INSTALL', () => `INSTALL httpfs`],
    ['LOAD', () => `LOAD httpfs`],
    ['SET', () => `SET enable_external_access = true`],
    ['RESET', () => `RESET memory_limit`],
    ['SET VARIABLE', () => `SET VARIABLE x = 1`],
    ['PRAGMA', () => `PRAGMA memory_limit = '1TB'`],
    ['USE', () => `USE memory`],
    ['CREATE TABLE', () => `CREATE TABLE x AS SELECT 1`],
    ['CREATE MACRO', () => `CREATE MACRO m() AS 1`],
    ['DROP', () => `DROP TABLE municipality`],
    ['INSERT', () => `INSERT INTO municipality VALUES ('9999', 'x', 'y')`],
    ['UPDATE', () => `UPDATE municipality SET name = 'x'`],
    ['DELETE', () => `DELETE FROM municipality`],
    ['BEGIN', () => `BEGIN TRANSACTION`],
    ['CHECKPOINT', () => `CHECKPOINT`],
    ['checkpoint() as a table function', () => `SELECT * FROM checkpoint()`],
    ['VACUUM', () => `VACUUM`],
    ['CALL', () => `CALL pragma_version()`],
    ['two statements', () => `SELECT 1; DROP TABLE municipality`],
    ['a second statement after a comment', () => `SELECT 1 /* ; */; COPY (SELECT 1) TO '${sentinel()}'`],
    ['a second statement after a line comment and newline', () => `SELECT 1 -- ;\n; SET threads = 1`],
    ['current_setting', () => `SELECT current_setting('allowed_directories')`],
    ['duckdb_settings()', () => `SELECT * FROM duckdb_settings()`],
    ['duckdb_tables()', () => `SELECT * FROM duckdb_tables()`],
    ['enable_logging to a file (DuckDB 1.5.6 bug)', () => `SELECT * FROM enable_logging(storage = 'file', storage_path = '${h.dir}')`],
    ['CALL enable_logging', () => `CALL enable_logging(storage = 'file', storage_path = '${h.dir}')`],
    ['write_log', () => `SELECT write_log('x')`],
    ['nextval', () => `SELECT nextval('audit_id_seq')`],
    ['getvariable', () => `SELECT getvariable('x')`],
    ['query()', () => `SELECT * FROM query('SELECT * FROM app_user')`],
    ['query_table()', () => `SELECT * FROM query_table('app_user')`],
    ['a private table', () => `SELECT * FROM app_user`],
    ['a private table by schema', () => `SELECT * FROM main.audit_log`],
    ['a private table by catalog', () => `SELECT * FROM warehouse.main.app_session`],
    ['a private table in a CTE', () => `WITH x AS (SELECT * FROM saved_query) SELECT * FROM x`],
    ['a CTE in a subquery does not hide a private table outside it', () => `SELECT * FROM (WITH app_user AS (SELECT 1 AS a) SELECT * FROM app_user) s, app_user`],
    ['a non-recursive CTE reading the file it is named after', () => `WITH "/etc/passwd" AS (SELECT * FROM "/etc/passwd") SELECT * FROM "/etc/passwd"`],
    ['a recursive CTE whose anchor reads the private table it is named after', () => `WITH RECURSIVE app_user AS (SELECT password_hash AS x FROM app_user UNION ALL SELECT x FROM app_user WHERE false) SELECT * FROM app_user`],
    ['a recursive CTE whose anchor reads a private table', () => `WITH RECURSIVE r AS (SELECT password_hash FROM app_user UNION ALL SELECT * FROM r WHERE false) SELECT * FROM r`],
    ['a CTE named after a system view', () => `WITH RECURSIVE sqlite_master(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM sqlite_master WHERE x < 2) SELECT * FROM sqlite_master`],
    ['SUMMARIZE of a private table', () => `SUMMARIZE app_user`],
    ['DESCRIBE of a file', () => `DESCRIBE '/etc/passwd'`],
    ['information_schema', () => `SELECT * FROM information_schema.tables`],
    ['the system catalogue', () => `SELECT * FROM system.main.duckdb_settings`],
    ['SHOW TABLES', () => `SHOW TABLES`],
    ['PIVOT statement (creates a type)', () => `PIVOT municipality ON county USING count(*)`],
  ];

  let before: { settings: string; tables: string };
  beforeAll(async () => {
    await h.as('analyst'); // the attacker's account exists before the snapshot
    before = { settings: await settings(), tables: await tableState() };
  });

  it(`has at least 30 statements (${attacks.length})`, () => {
    expect(attacks.length).toBeGreaterThanOrEqual(30);
  });

  it.each(attacks)('refuses %s with 400 and a message', async (_name, sql) => {
    const response = await h.post({ sql: sql() });
    const text = await response.text();
    expect(response.status).toBe(400);
    const body = JSON.parse(text) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('sql_refused');
    expect(body.error.message.length).toBeGreaterThan(10);
    expect(text).not.toMatch(/root:.*:0:0/);
    expect(text).not.toContain('TOPSECRET');
    expect(text).not.toContain('argon2-secret-hash');
  });

  it('also refuses them in every download format', async () => {
    for (const format of ['csv', 'arrow', 'parquet'] as const) {
      for (const [, sql] of attacks.slice(0, 8)) {
        const response = await h.post({ sql: sql(), format });
        expect(response.status).toBe(400);
      }
    }
  });

  it('left no file written, no setting changed and no table touched', async () => {
    expect(existsSync(join(h.dir, 'pwned.txt'))).toBe(false);
    expect(existsSync(join(h.importDirectory, 'pwned.csv'))).toBe(false);
    expect(existsSync(join(h.dir, 'export'))).toBe(false);
    expect(existsSync(join(h.dir, 'other.duckdb'))).toBe(false);
    expect(await settings()).toBe(before.settings);
    expect(await tableState()).toBe(before.tables);
  });

  it('audited every attempt with the user', async () => {
    const refused = (await h.audits()).filter((a) => a.action === 'sql' && /^sql_refused/.test(a.outcome ?? ''));
    expect(refused.length).toBeGreaterThanOrEqual(attacks.length);
    expect(refused.every((a) => a.username === 'analyst1')).toBe(true);
    expect(refused[0]!.parameters).toMatchObject({ sql: expect.any(String) });
  });
});

// The issue-9 family: texts where a hand-written lexer and DuckDB's lexer disagree (DuckDB ends a --
// comment at \r as well as \n and nests /* */), typed EXPLAIN in every form, credentials through
// error(), and the pg_*/*_description catalogue macros. Each is refused, and nothing was written:
// users and the audit log are read through the private store's own connection, the warehouse
// through an internal one — never through analyst SQL.
describe('comment, EXPLAIN and catalogue-macro tricks', () => {
  const family: [string, string][] = [
    ['a -- comment ended by \\r hiding EXPLAIN ANALYZE UPDATE of a user', "--x\rEXPLAIN ANALYZE UPDATE app_user SET role='admin' WHERE '\nEXPLAIN SELECT 1 --' IS NOT NULL"],
    ['a -- comment ended by \\r hiding EXPLAIN ANALYZE UPDATE of the warehouse', "--x\rEXPLAIN ANALYZE UPDATE municipality SET name='pwned' WHERE '\nEXPLAIN SELECT 1 --' IS NOT NULL"],
    ['a leading \\r before EXPLAIN ANALYZE DELETE', "\rEXPLAIN ANALYZE DELETE FROM municipality"],
    ['nested /* /* */ */ hiding EXPLAIN ANALYZE UPDATE', "/* /* */ EXPLAIN SELECT '*/ EXPLAIN ANALYZE UPDATE app_user SET role=$$admin$$ --' AS x"],
    ['nested /* /* */ */ hiding EXPLAIN ANALYZE DELETE FROM audit_log', "/* /* */ EXPLAIN SELECT '*/ EXPLAIN ANALYZE DELETE FROM audit_log --' AS x"],
    ['nested comments hiding a write after a query', "SELECT 1 /* /* */ ; */ ; DELETE FROM municipality"],
    ['EXPLAIN ANALYZE', 'EXPLAIN ANALYZE SELECT 1'],
    ['EXPLAIN ANALYZE of a write', 'explain analyze delete from municipality'],
    ['EXPLAIN (ANALYZE)', 'EXPLAIN (ANALYZE) SELECT 1'],
    ['EXPLAIN (FORMAT json)', 'EXPLAIN (FORMAT json) SELECT 1'],
    ['EXPLAIN (ANALYZE, FORMAT json) of a write', "EXPLAIN (ANALYZE, FORMAT json) UPDATE municipality SET name = 'x'"],
    ['typed EXPLAIN', 'EXPLAIN SELECT 1'],
    ['error() carrying password hashes', "SELECT error((SELECT string_agg(password_hash, ' ') FROM app_user))"],
    ['error() behind a \\r-ended comment', "--x\rEXPLAIN ANALYZE SELECT error((SELECT string_agg(password_hash, ' ') FROM app_user)) WHERE '\nEXPLAIN SELECT 1 --' IS NOT NULL"],
    ['error() with a harmless text', "SELECT error('boom')"],
    ['pg_get_viewdef', "SELECT pg_get_viewdef('municipality')"],
    ['obj_description', "SELECT obj_description(1, 'pg_class')"],
    ['col_description', 'SELECT col_description(1, 1)'],
    ['shobj_description', "SELECT shobj_description(1, 'pg_database')"],
    ['pg_typeof', 'SELECT pg_typeof(1)'],
    ['pg_sleep', 'SELECT pg_sleep(60)'],
    ['a pg_catalog-qualified macro', 'SELECT pg_catalog.pg_table_is_visible(1)'],
    ['a system-qualified allowed function', "SELECT system.main.upper('a')"],
    ['current_database', 'SELECT current_database()'],
    ['version', 'SELECT version()'],
    ['sleep_ms', 'SELECT sleep_ms(60000)'],
    ['setseed', 'SELECT setseed(0.5)'],
    ['a bound parameter', 'SELECT * FROM municipality WHERE code = $1'],
  ];

  async function privateState(): Promise<{ users: string; auditRows: number }> {
    await h.auditLog.flush();
    return h.privateStore.withConnection(async (connection) => ({
      users: JSON.stringify((await connection.runAndReadAll(`SELECT username, password_hash, role FROM app_user ORDER BY username`)).getRowsJson()),
      auditRows: Number((await connection.runAndReadAll('SELECT count(*) FROM audit_log')).getRowsJS()[0]![0]),
    }));
  }
  const municipalities = () =>
    h.warehouse.withConnection(async (connection) =>
      JSON.stringify((await connection.runAndReadAll(`SELECT string_agg(code || '=' || name, ',' ORDER BY code) FROM municipality`)).getRowsJson()),
    );

  let before: { users: string; auditRows: number; municipalities: string };
  beforeAll(async () => {
    await h.as('analyst');
    before = { ...(await privateState()), municipalities: await municipalities() };
  });

  it.each(family)('refuses %s with a message, and reads no credential', async (_name, sql) => {
    const response = await h.post({ sql });
    const text = await response.text();
    expect(response.status).toBe(400);
    const body = JSON.parse(text) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('sql_refused');
    expect(body.error.message.length).toBeGreaterThan(20);
    expect(text).not.toContain('argon2-secret-hash');
  });

  it('names the refused function, and points typed EXPLAIN to the Explain button', async () => {
    const message = async (sql: string) => ((await (await h.post({ sql })).json()) as { error: { message: string } }).error.message;
    expect(await message("SELECT pg_get_viewdef('municipality')")).toMatch(/the function pg_get_viewdef\(\) is not available/);
    expect(await message("SELECT error('boom')")).toMatch(/the function error\(\) is not available/);
    expect(await message('EXPLAIN ANALYZE SELECT 1')).toMatch(/use the Explain button .*EXPLAIN ANALYZE is never available/);
  });

  it('wrote nothing: users, the warehouse and the audit log are as before, plus the new entries', async () => {
    const after = await privateState();
    expect(after.users).toBe(before.users);
    expect(after.users).toContain('"boss","argon2-secret-hash","admin"');
    expect(await municipalities()).toBe(before.municipalities);
    // Each refused statement left two entries (started, then the refusal); none were deleted.
    expect(after.auditRows).toBeGreaterThanOrEqual(before.auditRows + 2 * family.length);
  });
});

describe('malformed input', () => {
  it.each([
    ['empty text', '   ', 'sql_refused', /^Write a query first\.$/],
    ['only comments', '-- nothing\n/* here */', 'sql_refused', /no statement, only comments or semicolons/],
    ['only a semicolon', ';', 'sql_refused', /no statement, only comments or semicolons/],
    ['a syntax error', 'SELEC 1', 'sql_error', /^Syntax error: syntax error at or near "SELEC"/],
    ['an unterminated comment', 'SELECT 1 /* open', 'sql_error', /^Syntax error: unterminated \/\* comment/],
    ['an unterminated string', "SELECT 'open", 'sql_error', /^Syntax error: unterminated quoted string/],
    ['two queries', 'SELECT 1; SELECT 2', 'sql_refused', /^Only one statement at a time: this text holds 2\./],
    ['a query and a write', 'SELECT 1; DELETE FROM municipality', 'sql_refused', /^Only one statement at a time, and only a query: this text holds 2\./],
  ])('answers %s with a clear error', async (_name, sql, code, message) => {
    const response = await h.post({ sql });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe(code);
    expect(body.error.message).toMatch(message);
  });
});
