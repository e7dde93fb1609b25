/**
 * The app's users table, read from its schema (Prisma's schema file, Drizzle's schema module), for the table
 * mapping init falls back to when the app has no user functions. Read from text, like the rest of init: the
 * app's code is never run.
 */

export interface TableColumn {
  /** The name the ORM uses (Prisma's field, the key of Drizzle's column object): what the mapping names. */
  name: string;
  /** Prisma's scalar type or Drizzle's column builder (`String`, `text`, `boolean`). */
  type: string;
  /** NOT NULL (Prisma: no `?`; Drizzle: `.notNull()` or a primary key). */
  required: boolean;
  /** The database or the ORM fills it when an insert leaves it out (a default, an id, `@updatedAt`). */
  filled: boolean;
}

export interface UsersTable {
  /** Prisma's model name, or the export name of Drizzle's table object. */
  name: string;
  columns: TableColumn[];
}

const USER_TABLE_NAMES = ['User', 'Users', 'Member', 'Members', 'Account', 'Accounts', 'Employee', 'Employees'];
const rank = (name: string) => {
  const index = USER_TABLE_NAMES.findIndex((candidate) => candidate.toLowerCase() === name.toLowerCase());
  return index === -1 ? undefined : index;
};
const best = (tables: UsersTable[]) =>
  tables.filter((table) => rank(table.name) !== undefined).sort((a, b) => rank(a.name)! - rank(b.name)!)[0];

const PRISMA_SCALARS = new Set(['String', 'Int', 'BigInt', 'Boolean', 'DateTime', 'Float', 'Decimal', 'Json', 'Bytes']);

/** The model blocks of a Prisma schema: name, body, and where the body's closing brace is. */
export function prismaModels(schema: string): { name: string; body: string; end: number }[] {
  const models: { name: string; body: string; end: number }[] = [];
  for (const match of schema.matchAll(/^model\s+(\w+)\s*\{/gm)) {
    const start = match.index + match[0].length;
    const end = schema.indexOf('\n}', start);
    if (end === -1) continue;
    models.push({ name: match[1]!, body: schema.slice(start, end), end: end + 1 });
  }
  return models;
}

/** The users model of a Prisma schema (User, Member, Account, ...) and its scalar fields. */
export function prismaUsersTable(schema: string): UsersTable | undefined {
  const models = prismaModels(schema);
  const enums = new Set([...schema.matchAll(/^enum\s+(\w+)/gm)].map((m) => m[1]!));
  const tables = models.map(({ name, body }) => {
    const columns: TableColumn[] = [];
    for (const line of body.split('\n')) {
      const field = /^\s*(\w+)\s+(\w+)(\[\])?(\?)?(.*)$/.exec(line);
      if (field === null || line.trim().startsWith('//') || line.trim().startsWith('@@')) continue;
      const [, fieldName, type, list, optional, rest] = field;
      // Relation fields (another model's type) are not columns.
      if (!PRISMA_SCALARS.has(type!) && !enums.has(type!)) continue;
      columns.push({
        name: fieldName!,
        type: list ? `${type}[]` : type!,
        required: optional === undefined && list === undefined,
        filled: /@default\(|@updatedAt/.test(rest!),
      });
    }
    return { name, columns };
  });
  return best(tables);
}

/** The matching close of the bracket at `open`, skipping strings and nested brackets. */
export function closingBracket(text: string, open: number): number {
  const pairs: Record<string, string> = { '(': ')', '{': '}', '[': ']' };
  const stack: string[] = [];
  for (let i = open; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === "'" || ch === '"' || ch === '`') {
      const close = text.indexOf(ch, i + 1);
      if (close === -1) return -1;
      i = close;
    } else if (ch === '/' && (text[i + 1] === '/' || text[i + 1] === '*')) {
      // A comment's apostrophes and brackets are prose.
      const close = text[i + 1] === '/' ? text.indexOf('\n', i) : text.indexOf('*/', i + 2) + 1;
      if (close <= 0) return -1;
      i = close;
    } else if (pairs[ch] !== undefined) stack.push(pairs[ch]);
    else if (ch === stack[stack.length - 1]) {
      stack.pop();
      if (stack.length === 0) return i;
    }
  }
  return -1;
}

export interface DrizzleTableSource {
  table: UsersTable;
  /** Offsets in the schema module: the column object's `{` and `}`, and the table call's `)`. */
  columnsOpen: number;
  columnsClose: number;
  callClose: number;
}

/** The users table of a Drizzle schema module (`export const users = pgTable('users', { ... })`). */
export function drizzleUsersTable(source: string): DrizzleTableSource | undefined {
  const found: DrizzleTableSource[] = [];
  for (const match of source.matchAll(/\bexport\s+const\s+(\w+)\s*=\s*(?:pg|sqlite|mysql)Table\s*\(/g)) {
    const callOpen = match.index + match[0].length - 1;
    const callClose = closingBracket(source, callOpen);
    const columnsOpen = source.indexOf('{', callOpen);
    if (callClose === -1 || columnsOpen === -1 || columnsOpen > callClose) continue;
    const columnsClose = closingBracket(source, columnsOpen);
    if (columnsClose === -1) continue;
    // Comments out, so that their commas, quotes and brackets do not split a column.
    const body = source
      .slice(columnsOpen + 1, columnsClose)
      .replace(/\/\*[\s\S]*?\*\//g, '')
      .replace(/^\s*\/\/[^\n]*$/gm, '');
    const columns: TableColumn[] = [];
    // One entry a key at the object's top level: `key: builder('column', ...).chain()...,`
    let depth = 0;
    let quote: string | undefined;
    let entry = '';
    const entries: string[] = [];
    for (const ch of body) {
      if (quote !== undefined) {
        if (ch === quote) quote = undefined;
      } else if (ch === "'" || ch === '"' || ch === '`') quote = ch;
      else if ('([{'.includes(ch)) depth++;
      else if (')]}'.includes(ch)) depth--;
      if (ch === ',' && depth === 0 && quote === undefined) {
        entries.push(entry);
        entry = '';
      } else entry += ch;
    }
    entries.push(entry);
    for (const text of entries) {
      const column = /^\s*(\w+)\s*:\s*(\w+)\s*\(/.exec(text);
      if (column === null) continue;
      const primary = /\.primaryKey\(/.test(text);
      columns.push({
        name: column[1]!,
        type: column[2]!,
        required: primary || /\.notNull\(/.test(text),
        filled:
          /\.(default|defaultNow|defaultRandom|\$defaultFn|\$default|generatedAlwaysAs|generatedAlwaysAsIdentity|generatedByDefaultAsIdentity)\(/.test(
            text,
          ) ||
          (primary && /^(serial|bigserial|smallserial|integer|int)$/.test(column[2]!)),
      });
    }
    found.push({ table: { name: match[1]!, columns }, columnsOpen, columnsClose, callClose });
  }
  const table = best(found.map((f) => f.table));
  return found.find((f) => f.table === table);
}

/** The columns that hold the directory's keys, by the names the adapters' READMEs use. */
export const KEY_COLUMNS = { organizationId: 'scimOrganizationId', userId: 'scimUserId' } as const;

/** A directory attribute and the expression that gives it, in the rendered `fields(user)`. */
interface Rule {
  pattern: RegExp;
  scim: string;
  value: string;
}

const RULES: Rule[] = [
  { pattern: /^e?mail(Address)?$/i, scim: 'email', value: 'user.email' },
  { pattern: /^(name|fullName|displayName)$/i, scim: 'displayName', value: 'fullName(user)' },
  { pattern: /^(firstName|givenName)$/i, scim: 'givenName', value: 'user.givenName' },
  { pattern: /^(lastName|familyName|surname)$/i, scim: 'familyName', value: 'user.familyName' },
  { pattern: /^department$/i, scim: 'department', value: 'user.department' },
  { pattern: /^(title|jobTitle)$/i, scim: 'title', value: 'user.title' },
];
const ACTIVE = /^(active|isActive|enabled|isEnabled)$/i;
const BOOLEAN_TYPES = new Set(['Boolean', 'boolean', 'integer']);

export interface ColumnMapping {
  /** column -> the directory attribute's expression. */
  fields: { column: string; scim: string; value: string; required: boolean }[];
  /** The boolean column that says whether the user is active. */
  active: string | undefined;
  /** Directory attributes no column takes. */
  unmappedScim: string[];
  /** NOT NULL columns without a default that the mapping leaves empty: a new row would be refused. */
  unfilled: string[];
  /** The key columns the table does not have yet. */
  missingKeys: string[];
}

/** Maps the table's columns by common names onto directory attributes. */
export function mapColumns(table: UsersTable): ColumnMapping {
  const fields: ColumnMapping['fields'] = [];
  const taken = new Set<string>();
  for (const column of table.columns) {
    const rule = RULES.find((r) => r.pattern.test(column.name) && !taken.has(r.scim));
    if (rule === undefined || !/^(String|text|varchar|char)$/.test(column.type)) continue;
    taken.add(rule.scim);
    fields.push({ column: column.name, scim: rule.scim, value: rule.value, required: column.required });
  }
  const active = table.columns.find((c) => ACTIVE.test(c.name) && BOOLEAN_TYPES.has(c.type))?.name;
  const keys = Object.values(KEY_COLUMNS) as string[];
  const mapped = new Set([...fields.map((f) => f.column), ...keys, ...(active ? [active] : [])]);
  return {
    fields,
    active,
    unmappedScim: [...RULES.map((r) => r.scim).filter((s) => !taken.has(s)), ...(active ? [] : ['active'])],
    unfilled: table.columns.filter((c) => c.required && !c.filled && !mapped.has(c.name)).map((c) => c.name),
    missingKeys: keys.filter((key) => !table.columns.some((c) => c.name === key)),
  };
}
