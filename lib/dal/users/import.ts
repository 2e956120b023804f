import 'server-only';
import { sql } from 'drizzle-orm';
import { getDb } from '@/db/client';
import { preparedFor } from '@/db/prepared';
import * as t from '@/db/schema';
import { hashPassword, NO_PASSWORD } from '@/lib/auth/password';
import { createUserInput, importUsersInput, MAX_IMPORT_PASSWORDS, passwordSchema, USER_CSV_IGNORED, type UserImportColumn } from '@/lib/schemas/users';
import { writeAudit } from '../audit';
import { authorize, recordDeniedAttempt, type Scope } from '../authorize';
import { DalError, parseInput } from '../errors';
import type { Principal } from '../principal';
import { writeTransaction, type Tx } from '../tx';
import { MANAGE_USER_PERMISSIONS, profileGrants } from './access';
import { checkNewUser, insertNewUser, type NewUser } from './create';
import { groupResolver, list, readCsv, RowProblem, type CsvFile } from './import-csv';

/** One reason a row cannot be imported. `row` is the spreadsheet's row number: the header is row 1. */
export interface ImportProblem {
  row: number;
  column?: UserImportColumn;
  loginName: string;
  message: string;
}

export interface ImportReport {
  /** Users in the file (rows below the header that are not blank). */
  rows: number;
  /** Rows that pass every check. */
  valid: number;
  /** Users written: every row, or none. */
  created: number;
  /** True once the users are written; false for a preview and for a file with problems. */
  applied: boolean;
  /** Of the valid rows, those without a password: they cannot sign in until someone sets one. */
  withoutPassword: number;
  problemCount: number;
  /** The first MAX_REPORTED_PROBLEMS problems, in file order. */
  problems: ImportProblem[];
  /** Columns of the file an import does not read (Roles, Status: the export's). */
  ignoredColumns: UserImportColumn[];
}

export const MAX_REPORTED_PROBLEMS = 200;

/** The entity type of the one audit event that sums up an import (each user has his own "create" event too). */
export const IMPORT_AUDIT_TYPE = 'users-import';

const ACTION = 'import users';

/** The CSV column a field of createUser's input comes from, to name it in a problem. */
const COLUMN_OF: Partial<Record<keyof NewUser | 'password', UserImportColumn>> = {
  loginName: 'Login name',
  email: 'Email',
  name: 'Name',
  nickname: 'Nickname',
  groupId: 'Group',
  profileIds: 'Profiles',
  skills: 'Skills',
  maxChats: 'Max chats',
  password: 'Password',
};
const rowInput = createUserInput.omit({ password: true });

interface Checked {
  problems: ImportProblem[];
  problemCount: number;
  /** A problem came from a refusal (scope, escalation): the security log hears of an applied attempt. */
  forbidden: ImportProblem | null;
  valid: number;
  withoutPassword: number;
  /** The password of each valid row that has one, by row, to hash before writing. */
  passwords: Map<number, string>;
  createdIds: number[];
}

/**
 * Check every row with the rules of "Add user" and write it inside `tx`, each user with his
 * audit event, exactly as the import does; the caller commits or rolls back. `hashes` holds the
 * hashed passwords by row (none for a dry run: the rows are written without one).
 */
function importRows(tx: Tx, ctx: Principal, scope: Scope, file: CsvFile, hashes: Map<number, string> | null): Checked {
  const db = getDb();
  const profileByName = new Map(
    db
      .select()
      .from(t.profiles)
      .all()
      .map((p) => [p.name.toLowerCase(), p]),
  );
  // What a profile grants is the same for every row: ask once per profile.
  const grants = new Map<number, ReturnType<typeof profileGrants>>();
  const grantsOf = (p: typeof t.profiles.$inferSelect) => grants.get(p.id) ?? grants.set(p.id, profileGrants(ctx, p)).get(p.id)!;
  const groupOf = groupResolver(scope);
  const loginRow = new Map<string, number>();
  const emailRow = new Map<string, number>();
  const skillIds = new Map<string, number>();
  const emailTaken = preparedFor(tx, 'import-email-taken', () =>
    tx
      .select({ id: t.users.id, groupId: t.users.groupId })
      .from(t.users)
      .where(sql`${t.users.email} = ${sql.placeholder('email')} collate nocase`)
      .prepare(),
  );
  const out: Checked = { problems: [], problemCount: 0, forbidden: null, valid: 0, withoutPassword: 0, passwords: new Map(), createdIds: [] };

  for (const { row, cells } of file.rows) {
    const cell = (c: UserImportColumn) => {
      const i = file.columns.get(c);
      return i === undefined ? '' : (cells[i] ?? '').trim();
    };
    const loginName = cell('Login name');
    try {
      if (cells.length !== file.width) throw new RowProblem(undefined, `The row has ${cells.length} values; the header has ${file.width}.`);
      const earlierLogin = loginRow.get(loginName.toLowerCase());
      if (earlierLogin !== undefined) throw new RowProblem('Login name', `"${loginName}" is already on row ${earlierLogin} of this file.`);
      if (loginName) loginRow.set(loginName.toLowerCase(), row);
      const profileIds = list(cell('Profiles')).map((name) => {
        const p = profileByName.get(name.toLowerCase());
        if (!p) throw new RowProblem('Profiles', `There is no profile "${name}".`);
        return p.id;
      });
      const parsed = rowInput.safeParse({
        loginName,
        email: cell('Email'),
        name: cell('Name'),
        nickname: cell('Nickname'),
        groupId: groupOf(cell('Group')),
        profileIds,
        maxChats: cell('Max chats'),
        skills: list(cell('Skills')),
      });
      if (!parsed.success) {
        const issue = parsed.error.issues[0]!;
        throw new RowProblem(COLUMN_OF[issue.path[0] as keyof NewUser], issue.message);
      }
      const email = parsed.data.email.toLowerCase();
      // A repeated email in a bulk file is nearly always a person listed twice, or imported before.
      const earlierEmail = emailRow.get(email);
      if (earlierEmail !== undefined) throw new RowProblem('Email', `"${parsed.data.email}" is already on row ${earlierEmail} of this file.`);
      emailRow.set(email, row);
      // Only users he can see: a clash with anyone else would tell him that person's email (Add user does not check emails).
      const holders = emailTaken.all({ email: parsed.data.email }) as { id: number; groupId: number | null }[];
      if (holders.some((h) => scope.kind === 'account' || (h.groupId !== null && scope.groupIds.has(h.groupId))))
        throw new RowProblem('Email', `Another user already has the email "${parsed.data.email}".`);
      const password = cell('Password');
      if (password) {
        const valid = passwordSchema.safeParse(password);
        if (!valid.success) throw new RowProblem('Password', valid.error.issues[0]!.message);
      }
      const checked = checkNewUser(ctx, scope, parsed.data, grantsOf);
      const hash = password ? hashes?.get(row) : undefined;
      // Only when the database changed between the check and the write, making this row valid.
      if (password && hashes && hash === undefined) throw new RowProblem(undefined, 'Users changed while importing; import the file again.');
      const { id } = insertNewUser(tx, ctx, checked, hash ?? NO_PASSWORD, { imported: true, ...(password ? {} : { withoutPassword: true }) }, skillIds).value;
      out.createdIds.push(id);
      out.valid++;
      if (password) out.passwords.set(row, password);
      else out.withoutPassword++;
    } catch (error) {
      let problem: ImportProblem;
      if (error instanceof RowProblem) {
        problem = { row, loginName, message: error.message, ...(error.column ? { column: error.column } : {}) };
      } else if (
        error instanceof DalError &&
        (error.code === 'invalid' || error.code === 'conflict' || error.code === 'forbidden' || error.code === 'not-found')
      ) {
        const field = Object.keys(error.fieldErrors ?? {})[0] as keyof NewUser | undefined;
        const column = field ? COLUMN_OF[field] : undefined;
        problem = { row, loginName, message: error.message, ...(column ? { column } : {}) };
        if (error.code === 'forbidden') out.forbidden ??= problem;
      } else {
        throw error; // the database is busy, the actor was deactivated meanwhile, a bug: the import fails whole
      }
      out.problemCount++;
      if (out.problems.length < MAX_REPORTED_PROBLEMS) out.problems.push(problem);
    }
  }
  return out;
}

/** Thrown to roll a transaction back once its answer is in. */
class RollBack extends Error {
  constructor(readonly checked: Checked) {
    super('rolled back');
  }
}

/** Run the rows in one IMMEDIATE transaction; commit only when asked and nothing is wrong. */
function runImport(ctx: Principal, scope: Scope, file: CsvFile, commit: boolean, hashes: Map<number, string> | null): { checked: Checked; applied: boolean } {
  try {
    const checked = writeTransaction(ctx, (tx) => {
      const checked = importRows(tx, ctx, scope, file, hashes);
      if (!commit || checked.problemCount > 0) throw new RollBack(checked);
      const audited = writeAudit(tx, ctx, {
        entityType: IMPORT_AUDIT_TYPE,
        entityId: `${checked.createdIds[0]}-${checked.createdIds.at(-1)}`,
        entityName: `${checked.valid.toLocaleString('en')} users from CSV`,
        action: 'import',
        after: {
          created: checked.valid,
          withoutPassword: checked.withoutPassword,
          firstUserId: checked.createdIds[0],
          lastUserId: checked.createdIds.at(-1),
          ignoredColumns: USER_CSV_IGNORED.filter((c) => file.columns.has(c)),
        },
      });
      return { value: checked, audited };
    });
    return { checked, applied: true };
  } catch (error) {
    if (error instanceof RollBack) return { checked: error.checked, applied: false };
    throw error;
  }
}

/** Hash the passwords a few at a time: each takes a core's moment, and sign-ins share the pool. */
async function hashAll(passwords: Map<number, string>): Promise<Map<number, string>> {
  const entries = [...passwords];
  const out = new Map<number, string>();
  const worker = async () => {
    for (let next = entries.shift(); next; next = entries.shift()) out.set(next[0], await hashPassword(next[1]));
  };
  await Promise.all([worker(), worker()]);
  return out;
}

/**
 * Import users from CSV (the columns of "Export CSV", plus an optional Password column). All or
 * nothing: every row passes the rules of "Add user" (checkNewUser: scope, no escalation, a free
 * login name) and, for a bulk file, an email no one has, or no user is created. The rows are
 * written in one IMMEDIATE transaction, each user with his own "create" audit event, then one
 * event for the import. `preview` runs exactly the import and rolls it back, reporting how many
 * users it would create or which rows (and columns) are wrong. A user without a password cannot
 * sign in until someone sets one on his page.
 */
export async function importUsers({ ctx, input }: { ctx: Principal; input: unknown }): Promise<ImportReport> {
  const scope = authorize(ctx, ACTION, MANAGE_USER_PERMISSIONS, 'create');
  const { csv, preview } = parseInput(importUsersInput, input);
  const file = readCsv(csv);
  const passwordColumn = file.columns.get('Password');
  const withPassword = passwordColumn === undefined ? 0 : file.rows.filter((r) => (r.cells[passwordColumn] ?? '').trim()).length;
  if (withPassword > MAX_IMPORT_PASSWORDS) {
    const message = `${withPassword.toLocaleString('en')} rows have a password; at most ${MAX_IMPORT_PASSWORDS} may in one file (each takes a moment to secure). Leave the rest empty and set them later, or split the file.`;
    throw new DalError('invalid', message, { csv: ['Too many passwords'] });
  }

  let result: { checked: Checked; applied: boolean };
  if (preview || withPassword === 0) {
    result = runImport(ctx, scope, file, !preview, null);
  } else {
    // Passwords are hashed outside the transaction (it must not wait): check first, so a file
    // with problems costs no hashing, then hash and write. The write checks everything again.
    const dryRun = runImport(ctx, scope, file, false, null);
    result = dryRun.checked.problemCount ? dryRun : runImport(ctx, scope, file, true, await hashAll(dryRun.checked.passwords));
  }

  const { checked, applied } = result;
  if (!preview && checked.forbidden) {
    const { row, column, message } = checked.forbidden;
    recordDeniedAttempt(ctx, ACTION, `Row ${row}${column ? ` (${column})` : ''}: ${message}`);
  }
  return {
    rows: file.rows.length,
    valid: checked.valid,
    created: applied ? checked.valid : 0,
    applied,
    withoutPassword: checked.withoutPassword,
    problemCount: checked.problemCount,
    problems: checked.problems,
    ignoredColumns: USER_CSV_IGNORED.filter((c) => file.columns.has(c)),
  };
}
