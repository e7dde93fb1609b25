import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { CliError } from '../errors.js';
import { exportsOf, type FileExports, findAppCreation } from './source.js';

export type PackageManager = 'pnpm' | 'npm' | 'yarn' | 'bun';

export type Orm =
  | { kind: 'prisma'; provider: 'sqlite' | 'postgresql' | 'mysql'; schemaPath: string; migrationsDir: string }
  | { kind: 'drizzle'; dialect: 'pg' | 'sqlite' | 'mysql'; driver: string; schemaPath: string | undefined }
  | { kind: 'mongoose' };

export interface DbHandle {
  /** The file that exports it, relative to the app's root; for `package`, the package's name. */
  file: string;
  name: string;
  /**
   * Mongoose's default connection (`mongoose.connection`): no module of the app exports a connection of its own,
   * so the integration imports the `mongoose` package's default export.
   */
  package?: boolean;
  /** Mongoose: the environment variable the app connects with (`mongoose.connect(process.env.X)`), if it says. */
  uriEnv?: string | undefined;
}

/** What `scim init` found out about the app before changing anything. */
export interface Project {
  root: string;
  packageJson: PackageJson;
  packageManager: PackageManager;
  framework: { kind: 'express'; major: number } | { kind: 'fastify'; major: number } | { kind: 'none' };
  orm: Orm | undefined;
  typescript: boolean;
  /** How the app's JavaScript runs (TypeScript sources are written as ESM either way). */
  moduleType: 'esm' | 'cjs';
  /** The folder of the app's sources, relative to the root ('src' or ''). */
  sourceDir: string;
  /** The file that creates the web app, relative to the root. */
  entry: string | undefined;
  db: DbHandle | undefined;
  /** Every exported function of the app's sources, by file. */
  modules: Map<string, FileExports>;
}

export interface PackageJson {
  name?: string;
  type?: string;
  main?: string;
  scripts?: Record<string, string>;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  prisma?: { schema?: string };
}

const LOCKFILES: [string, PackageManager][] = [
  ['pnpm-lock.yaml', 'pnpm'],
  ['yarn.lock', 'yarn'],
  ['bun.lock', 'bun'],
  ['bun.lockb', 'bun'],
  ['package-lock.json', 'npm'],
  ['npm-shrinkwrap.json', 'npm'],
];

const SOURCE_EXTENSIONS = /\.(ts|mts|cts|js|mjs|cjs)$/;
const SKIP_DIRS = new Set([
  'node_modules',
  'dist',
  'build',
  'coverage',
  'generated',
  '.git',
  'test',
  'tests',
  '__tests__',
]);

export function readPackageJson(root: string): PackageJson {
  const path = join(root, 'package.json');
  if (!existsSync(path)) {
    throw new CliError(`no package.json in ${root}`, { hint: 'Run `scim init` in the folder of your app.' });
  }
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as PackageJson;
  } catch (error) {
    throw new CliError(`${path} is not valid JSON`, { cause: error });
  }
}

export function dependencyVersion(pkg: PackageJson, name: string): string | undefined {
  return pkg.dependencies?.[name] ?? pkg.devDependencies?.[name];
}

function majorOf(range: string): number {
  const match = /(\d+)/.exec(range);
  return match ? Number(match[1]) : 0;
}

export function detectPackageManager(root: string, pkg: PackageJson & { packageManager?: string }): PackageManager {
  for (const [file, manager] of LOCKFILES) if (existsSync(join(root, file))) return manager;
  const declared = /^(pnpm|npm|yarn|bun)@/.exec(pkg.packageManager ?? '');
  return (declared?.[1] as PackageManager | undefined) ?? 'npm';
}

/** The app's source files (not its tests, builds or dependencies), relative to the root. */
export function sourceFiles(root: string): string[] {
  const files: string[] = [];
  const walk = (dir: string, depth: number) => {
    if (depth > 6) return;
    for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
      if (entry.name.startsWith('.') || SKIP_DIRS.has(entry.name)) continue;
      const path = dir === '' ? entry.name : `${dir}/${entry.name}`;
      if (entry.isDirectory()) walk(path, depth + 1);
      else if (SOURCE_EXTENSIONS.test(entry.name) && !/\.(test|spec|d)\.[cm]?[jt]s$/.test(entry.name)) {
        if (!/\.config\.[cm]?[jt]s$/.test(entry.name) || depth > 0) files.push(path);
      }
    }
  };
  walk('', 0);
  return files.sort();
}

function detectPrisma(root: string, pkg: PackageJson): Orm | undefined {
  const candidates = [pkg.prisma?.schema, 'prisma/schema.prisma', 'schema.prisma'].filter(
    (path): path is string => typeof path === 'string',
  );
  // prisma.config.ts names the schema too.
  for (const config of ['prisma.config.ts', 'prisma.config.js', 'prisma.config.mjs']) {
    const path = join(root, config);
    if (!existsSync(path)) continue;
    const schema = /schema\s*:\s*['"`]([^'"`]+)['"`]/.exec(readFileSync(path, 'utf8'))?.[1];
    if (schema !== undefined) candidates.unshift(schema);
  }
  for (const candidate of candidates) {
    let path = join(root, candidate);
    if (!existsSync(path)) continue;
    if (statSync(path).isDirectory()) path = join(path, 'schema.prisma');
    if (!existsSync(path)) continue;
    const schema = readFileSync(path, 'utf8');
    const provider = /datasource\s+\w+\s*\{[^}]*provider\s*=\s*"(\w+)"/.exec(schema)?.[1];
    const mapped =
      provider === 'sqlite' ? 'sqlite' : provider === 'mysql' ? 'mysql' : provider ? 'postgresql' : undefined;
    if (mapped === undefined) {
      throw new CliError(`${relative(root, path)} has no datasource provider that @scim/adapter-prisma supports`, {
        hint: 'Supported providers: postgresql, mysql, sqlite.',
      });
    }
    const schemaPath = relative(root, path);
    return { kind: 'prisma', provider: mapped, schemaPath, migrationsDir: join(schemaPath, '..', 'migrations') };
  }
  return undefined;
}

const DRIZZLE_DRIVERS: [string, 'pg' | 'sqlite' | 'mysql'][] = [
  ['@electric-sql/pglite', 'pg'],
  ['pg', 'pg'],
  ['postgres', 'pg'],
  ['@neondatabase/serverless', 'pg'],
  ['better-sqlite3', 'sqlite'],
  ['@libsql/client', 'sqlite'],
  ['mysql2', 'mysql'],
];

function detectDrizzle(root: string, pkg: PackageJson): Orm {
  let schemaPath: string | undefined;
  let dialect: 'pg' | 'sqlite' | 'mysql' | undefined;
  for (const config of ['drizzle.config.ts', 'drizzle.config.js', 'drizzle.config.mjs', 'drizzle.config.cjs']) {
    const path = join(root, config);
    if (!existsSync(path)) continue;
    const text = readFileSync(path, 'utf8');
    schemaPath = /schema\s*:\s*['"`]([^'"`]+)['"`]/.exec(text)?.[1]?.replace(/^\.\//, '');
    const declared = /dialect\s*:\s*['"`](\w+)['"`]/.exec(text)?.[1];
    if (declared === 'postgresql') dialect = 'pg';
    else if (declared === 'sqlite' || declared === 'turso') dialect = 'sqlite';
    else if (declared === 'mysql' || declared === 'singlestore') dialect = 'mysql';
  }
  const driver = DRIZZLE_DRIVERS.find(([name]) => dependencyVersion(pkg, name) !== undefined);
  dialect ??= driver?.[1];
  if (dialect === undefined) {
    throw new CliError('found drizzle-orm but not which database it talks to', {
      hint: 'Add a drizzle.config.ts with `dialect`, or install the driver (pg, @electric-sql/pglite, better-sqlite3, mysql2).',
    });
  }
  return { kind: 'drizzle', dialect, driver: driver?.[0] ?? 'unknown', schemaPath };
}

export function detectProject(root: string): Project {
  const packageJson = readPackageJson(root);
  const has = (name: string) => dependencyVersion(packageJson, name) !== undefined;
  const packageManager = detectPackageManager(root, packageJson);

  let framework: Project['framework'] = { kind: 'none' };
  if (has('express')) framework = { kind: 'express', major: majorOf(dependencyVersion(packageJson, 'express')!) };
  else if (has('fastify')) framework = { kind: 'fastify', major: majorOf(dependencyVersion(packageJson, 'fastify')!) };

  let orm: Orm | undefined;
  if (has('@prisma/client') || has('prisma')) orm = detectPrisma(root, packageJson);
  else if (has('drizzle-orm')) orm = detectDrizzle(root, packageJson);
  else if (has('mongoose')) orm = { kind: 'mongoose' };

  const files = sourceFiles(root);
  const typescript = files.some((file) => /\.[cm]?ts$/.test(file)) && existsSync(join(root, 'tsconfig.json'));
  const moduleType = packageJson.type === 'module' ? 'esm' : 'cjs';
  const sourceDir = existsSync(join(root, 'src')) ? 'src' : '';

  const modules = new Map<string, FileExports>();
  const texts = new Map<string, string>();
  for (const file of files) {
    const text = readFileSync(join(root, file), 'utf8');
    texts.set(file, text);
    modules.set(file, exportsOf(text));
  }

  let entry: string | undefined;
  if (framework.kind !== 'none') {
    const kind = framework.kind;
    const creating = files.filter((file) => findAppCreation(texts.get(file)!, kind).length > 0);
    // Prefer app.* over server.*/index.*/main.*, then the shallowest path.
    const rank = (file: string) => {
      const base = file.split('/').pop()!.replace(SOURCE_EXTENSIONS, '');
      const order = ['app', 'server', 'index', 'main'].indexOf(base);
      return (order === -1 ? 4 : order) * 10 + file.split('/').length;
    };
    entry = creating.sort((a, b) => rank(a) - rank(b))[0];
  }

  return {
    root,
    packageJson,
    packageManager,
    framework,
    orm,
    typescript,
    moduleType,
    sourceDir,
    entry,
    db: orm === undefined ? undefined : findDbHandle(orm, modules, texts),
    modules,
  };
}

function findDbHandle(orm: Orm, modules: Map<string, FileExports>, texts: Map<string, string>): DbHandle | undefined {
  const pattern =
    orm.kind === 'prisma'
      ? /new\s+PrismaClient\b|PrismaClient\(/
      : orm.kind === 'drizzle'
        ? /\bdrizzle\s*\(/
        : /\bmongoose\.(connection|createConnection)\b|\bcreateConnection\s*\(/;
  for (const [file, exports] of modules) {
    for (const value of exports.values) {
      if (!pattern.test(value.init)) continue;
      return orm.kind === 'mongoose' ? { file, name: value.name, uriEnv: uriEnv(texts) } : { file, name: value.name };
    }
  }
  // Mongoose apps often export only their models, which live on the default connection.
  if (orm.kind === 'mongoose') return { file: 'mongoose', name: 'mongoose', package: true, uriEnv: uriEnv(texts) };
  return undefined;
}

/** The variable in `mongoose.connect(process.env.X ...)` or `createConnection(process.env.X ...)`. */
function uriEnv(texts: Map<string, string>): string | undefined {
  for (const text of texts.values()) {
    const match = /\b(?:connect|createConnection|openUri)\(\s*process\.env(?:\.(\w+)|\[['"](\w+)['"]\])/.exec(text);
    if (match) return match[1] ?? match[2];
  }
  return undefined;
}
