import { describe, expect, it } from 'vitest';
import { drizzleKeys, prismaKeys } from './table-keys.js';
import { drizzleUsersTable, mapColumns, prismaUsersTable } from './users-table.js';

const PRISMA = `
datasource db {
  provider = "postgresql"
}

enum Plan {
  FREE
  PRO
}

model Post {
  id     Int    @id @default(autoincrement())
  author Member @relation(fields: [authorId], references: [id])
  authorId Int
}

model Member {
  id          String   @id @default(cuid())
  email       String   @unique
  givenName   String?
  familyName  String
  isActive    Boolean  @default(true)
  plan        Plan     @default(FREE)
  tenantSlug  String
  posts       Post[]
  updatedAt   DateTime @updatedAt

  @@map("members")
}
`;

describe('the users table, from a Prisma schema', () => {
  it('finds the users model and its scalar columns, not its relations', () => {
    const table = prismaUsersTable(PRISMA)!;
    expect(table.name).toBe('Member');
    expect(table.columns.map((c) => c.name)).toEqual([
      'id',
      'email',
      'givenName',
      'familyName',
      'isActive',
      'plan',
      'tenantSlug',
      'updatedAt',
    ]);
    expect(table.columns.find((c) => c.name === 'givenName')).toMatchObject({ required: false, filled: false });
    expect(table.columns.find((c) => c.name === 'updatedAt')).toMatchObject({ required: true, filled: true });
  });

  it('maps columns by common names and reports what it cannot fill', () => {
    const mapping = mapColumns(prismaUsersTable(PRISMA)!);
    expect(mapping.fields.map((f) => [f.column, f.scim, f.required])).toEqual([
      ['email', 'email', true],
      ['givenName', 'givenName', false],
      ['familyName', 'familyName', true],
    ]);
    expect(mapping.active).toBe('isActive');
    expect(mapping.unmappedScim).toEqual(['displayName', 'department', 'title']);
    // NOT NULL, no default, no directory attribute of that name: a new row would be refused.
    expect(mapping.unfilled).toEqual(['tenantSlug']);
    expect(mapping.missingKeys).toEqual(['scimOrganizationId', 'scimUserId']);
  });

  it('finds no users table in a schema without one', () => {
    expect(prismaUsersTable('model Invoice {\n  id Int @id\n}\n')).toBeUndefined();
  });

  it('adds the key fields with Prisma-named SQL on the mapped table', () => {
    const { schema, sql } = prismaKeys(PRISMA, 'Member', 'postgresql');
    expect(schema).toContain(
      '  updatedAt   DateTime @updatedAt\n  // The directory\'s keys, for @scim\'s table mapping (scim init)\n  scimOrganizationId String?\n  scimUserId         String?\n\n  @@map("members")\n  @@unique([scimOrganizationId, scimUserId])\n}\n',
    );
    const bare = prismaKeys('model User {\n  id Int @id\n}\n', 'User', 'sqlite').schema;
    expect(bare).toBe(
      "model User {\n  id Int @id\n  // The directory's keys, for @scim's table mapping (scim init)\n  scimOrganizationId String?\n  scimUserId         String?\n\n  @@unique([scimOrganizationId, scimUserId])\n}\n",
    );
    expect(mapColumns(prismaUsersTable(schema)!).missingKeys).toEqual([]);
    expect(sql).toContain('ALTER TABLE "members" ADD COLUMN "scimUserId" TEXT;');
    expect(sql).toContain(
      'CREATE UNIQUE INDEX "members_scimOrganizationId_scimUserId_key" ON "members"("scimOrganizationId", "scimUserId");',
    );
    expect(prismaKeys(PRISMA, 'Member', 'mysql').sql).toContain('ADD COLUMN `scimUserId` VARCHAR(191) NULL;');
  });
});

const DRIZZLE = `import { boolean, pgTable, serial, text, timestamp } from 'drizzle-orm/pg-core';

export const auditLog = pgTable('audit_log', { id: serial('id').primaryKey() });

export const users = pgTable('users', {
  id: serial('id').primaryKey(),
  email: text('email').notNull().unique(),
  // the name as shown (don't split it)
  fullName: text('full_name', { length: 200 }),
  /* an unused, legacy column: it's kept */
  nickname: text('nickname').default('a, b'),
  enabled: boolean('enabled').notNull().default(true),
  org: text('org').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});
`;

describe('the users table, from a Drizzle schema module', () => {
  it('finds the table and its columns, with NOT NULL and defaults', () => {
    const found = drizzleUsersTable(DRIZZLE)!;
    expect(found.table.name).toBe('users');
    expect(found.table.columns).toEqual([
      { name: 'id', type: 'serial', required: true, filled: true },
      { name: 'email', type: 'text', required: true, filled: false },
      { name: 'fullName', type: 'text', required: false, filled: false },
      { name: 'nickname', type: 'text', required: false, filled: true },
      { name: 'enabled', type: 'boolean', required: true, filled: true },
      { name: 'org', type: 'text', required: true, filled: false },
      { name: 'createdAt', type: 'timestamp', required: true, filled: true },
    ]);
    const mapping = mapColumns(found.table);
    expect(mapping.fields.map((f) => `${f.column} <- ${f.scim}`)).toEqual([
      'email <- email',
      'fullName <- displayName',
    ]);
    expect(mapping.active).toBe('enabled');
    expect(mapping.unfilled).toEqual(['org']);
  });

  it('adds the key columns, the unique index and their imports', () => {
    const found = drizzleUsersTable(DRIZZLE)!;
    const next = drizzleKeys(DRIZZLE, found, 'pg', 'users')!;
    expect(next).toContain(
      "import { boolean, pgTable, serial, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';",
    );
    expect(next).toContain(
      "  scimUserId: text('scim_user_id'),\n}, (t) => [uniqueIndex('users_scim_key').on(t.scimOrganizationId, t.scimUserId)]);\n",
    );
    expect(mapColumns(drizzleUsersTable(next)!.table).missingKeys).toEqual([]);
  });

  it('leaves a table with its own third argument to the user', () => {
    const withIndex = DRIZZLE.replace(/\}\);\n$/, '}, (t) => [index("users_email").on(t.email)]);\n');
    expect(drizzleKeys(withIndex, drizzleUsersTable(withIndex)!, 'pg', 'users')).toBeUndefined();
  });
});
