import { parseModule } from 'magicast';

/**
 * Reading the app's source: which functions a file exports and what their parameters look like, where the
 * web app is created, where imports end. Parsing goes through magicast (Babel with the TypeScript and JSX
 * plugins); edits are applied at the parsed nodes' offsets, so every other byte of the file stays as the
 * app wrote it (reprinting the whole program through recast loses blank lines around directives).
 */

// Babel's node shapes, only as far as this file reads them.
interface Node {
  type: string;
  start?: number | null;
  end?: number | null;
  [key: string]: unknown;
}

export type ParamRole = 'db' | 'id' | 'input' | 'other';

export interface ParamInfo {
  name: string;
  role: ParamRole;
  /** For an id: the declared type, when the source says. */
  idType?: 'number' | 'string' | undefined;
  /** For an input object: its property names, when the source says (type literal, interface, destructuring). */
  fields?: string[] | undefined;
}

export interface ExportedFunction {
  name: string;
  params: ParamInfo[];
}

export interface ExportedValue {
  name: string;
  /** The initialiser's source text, e.g. `new PrismaClient({ adapter })` or `drizzle(client, { schema })`. */
  init: string;
}

export interface FileExports {
  functions: ExportedFunction[];
  values: ExportedValue[];
}

export function parse(code: string): Node | undefined {
  try {
    return parseModule(code).$ast as unknown as Node;
  } catch {
    return undefined;
  }
}

function body(program: Node): Node[] {
  return (program.body as Node[] | undefined) ?? [];
}

const DB_NAMES = /^(db|tx|trx|prisma|client|database|conn|connection|executor|orm|store|session)$/i;
const DB_TYPES = /(PrismaClient|TransactionClient|Database|Db\b|Transaction|Connection|ClientSession)/;

function typeName(annotation: Node | undefined): string | undefined {
  const type = annotation?.typeAnnotation as Node | undefined;
  if (type === undefined) return undefined;
  if (type.type === 'TSNumberKeyword') return 'number';
  if (type.type === 'TSStringKeyword') return 'string';
  if (type.type === 'TSTypeReference') {
    const name = type.typeName as Node;
    return name.type === 'Identifier' ? (name.name as string) : (((name.right as Node)?.name as string) ?? undefined);
  }
  return type.type;
}

function membersOf(type: Node | undefined, declarations: Map<string, Node>): string[] | undefined {
  if (type === undefined) return undefined;
  if (type.type === 'TSTypeLiteral') return keysOf(type.members as Node[]);
  if (type.type === 'TSInterfaceBody') return keysOf(type.body as Node[]);
  if (type.type === 'TSTypeReference') {
    const name = type.typeName as Node;
    if (name.type !== 'Identifier') return undefined;
    const declared = declarations.get(name.name as string);
    if (declared?.type === 'TSInterfaceDeclaration') return membersOf(declared.body as Node, declarations);
    if (declared?.type === 'TSTypeAliasDeclaration') return membersOf(declared.typeAnnotation as Node, declarations);
    // Partial<NewUser>, Pick<...>: the fields of the first argument.
    const params = (type.typeParameters as Node | undefined)?.params as Node[] | undefined;
    if (params?.[0] !== undefined) return membersOf(params[0], declarations);
  }
  if (type.type === 'TSIntersectionType') {
    const all = (type.types as Node[]).flatMap((part) => membersOf(part, declarations) ?? []);
    return all.length > 0 ? all : undefined;
  }
  return undefined;
}

function keysOf(members: Node[]): string[] {
  return members
    .filter((member) => member.type === 'TSPropertySignature' || member.type === 'ObjectProperty')
    .map((member) => {
      const key = member.key as Node;
      return key.type === 'Identifier' ? (key.name as string) : String(key.value);
    });
}

function paramInfo(param: Node, declarations: Map<string, Node>): ParamInfo {
  const target = param.type === 'AssignmentPattern' ? (param.left as Node) : param;
  const annotation = target.typeAnnotation as Node | undefined;
  if (target.type === 'ObjectPattern') {
    const fields = (target.properties as Node[])
      .filter((property) => property.type === 'ObjectProperty')
      .map((property) => (property.key as Node).name as string);
    return { name: 'input', role: 'input', fields };
  }
  const name = (target.name as string | undefined) ?? 'arg';
  const declared = typeName(annotation);
  if (DB_NAMES.test(name) || (declared !== undefined && DB_TYPES.test(declared))) return { name, role: 'db' };
  if (/id$/i.test(name)) {
    return {
      name,
      role: 'id',
      idType: declared === 'number' || declared === 'string' ? declared : undefined,
    };
  }
  if (declared === 'number' || declared === 'string') return { name, role: 'other' };
  return { name, role: 'input', fields: membersOf(annotation?.typeAnnotation as Node | undefined, declarations) };
}

function functionOf(node: Node | undefined): Node | undefined {
  if (node === undefined) return undefined;
  if (['FunctionDeclaration', 'FunctionExpression', 'ArrowFunctionExpression'].includes(node.type)) return node;
  return undefined;
}

/** What a module exports: functions (with their parameters) and values (with their initialisers). */
export function exportsOf(code: string): FileExports {
  const program = parse(code);
  const result: FileExports = { functions: [], values: [] };
  if (program === undefined) return result;
  const declarations = new Map<string, Node>();
  const locals = new Map<string, Node>(); // name -> function or initialiser
  const visit = (statement: Node) => {
    if (statement.type === 'ExportNamedDeclaration' && statement.declaration) {
      visit(statement.declaration as Node);
      return;
    }
    if (['TSInterfaceDeclaration', 'TSTypeAliasDeclaration'].includes(statement.type)) {
      declarations.set((statement.id as Node).name as string, statement);
    }
    if (statement.type === 'FunctionDeclaration' && statement.id) {
      locals.set((statement.id as Node).name as string, statement);
    }
    if (statement.type === 'VariableDeclaration') {
      for (const declarator of statement.declarations as Node[]) {
        const id = declarator.id as Node;
        if (id.type === 'Identifier' && declarator.init) locals.set(id.name as string, declarator.init as Node);
      }
    }
  };
  for (const statement of body(program)) visit(statement);

  const exported = new Map<string, string>(); // exported name -> local name
  for (const statement of body(program)) {
    if (statement.type === 'ExportNamedDeclaration') {
      const declaration = statement.declaration as Node | undefined;
      if (declaration?.type === 'FunctionDeclaration') {
        const name = (declaration.id as Node).name as string;
        exported.set(name, name);
      } else if (declaration?.type === 'VariableDeclaration') {
        for (const declarator of declaration.declarations as Node[]) {
          const id = declarator.id as Node;
          if (id.type === 'Identifier') exported.set(id.name as string, id.name as string);
        }
      }
      for (const specifier of (statement.specifiers as Node[] | undefined) ?? []) {
        const local = (specifier.local as Node | undefined)?.name as string | undefined;
        const name = (specifier.exported as Node).name as string;
        if (local !== undefined) exported.set(name, local);
      }
    }
    // CommonJS: module.exports = { a, b: c }, exports.a = ..., module.exports.a = ...
    if (statement.type === 'ExpressionStatement' && (statement.expression as Node).type === 'AssignmentExpression') {
      const assignment = statement.expression as Node;
      const left = source(code, assignment.left as Node);
      const right = assignment.right as Node;
      if (left === 'module.exports' && right.type === 'ObjectExpression') {
        for (const property of right.properties as Node[]) {
          if (property.type !== 'ObjectProperty') continue;
          const name = (property.key as Node).name as string;
          const value = property.value as Node;
          if (value.type === 'Identifier') exported.set(name, value.name as string);
          else {
            locals.set(name, value);
            exported.set(name, name);
          }
        }
      }
      const member = /^(?:module\.)?exports\.(\w+)$/.exec(left);
      if (member?.[1] !== undefined) {
        const name = member[1];
        if (right.type === 'Identifier') exported.set(name, right.name as string);
        else {
          locals.set(name, right);
          exported.set(name, name);
        }
      }
    }
  }

  for (const [name, local] of exported) {
    const node = locals.get(local);
    const fn = functionOf(node);
    if (fn !== undefined) {
      result.functions.push({ name, params: (fn.params as Node[]).map((param) => paramInfo(param, declarations)) });
    } else if (node !== undefined) {
      result.values.push({ name, init: source(code, node) });
    }
  }
  return result;
}

function source(code: string, node: Node): string {
  return code.slice(node.start ?? 0, node.end ?? 0);
}

export interface AppCreation {
  /** The app's variable, e.g. `app`. */
  variable: string;
  /** Offset just after the statement that creates the app. */
  after: number;
  /** The indentation of that statement. */
  indent: string;
  /** Whether that statement is inside a function (not at the top level of the module). */
  nested: boolean;
}

/**
 * Where the app is created: `const app = express()` (the local name imported from 'express') or
 * `const app = Fastify(...)`. Exactly one such statement, or undefined (then the caller prints the lines).
 */
export function findAppCreation(code: string, framework: 'express' | 'fastify'): AppCreation[] {
  const program = parse(code);
  if (program === undefined) return [];
  const factories = new Set<string>();
  for (const statement of body(program)) {
    if (statement.type === 'ImportDeclaration' && (statement.source as Node).value === framework) {
      for (const specifier of statement.specifiers as Node[]) {
        if (specifier.type === 'ImportDefaultSpecifier' || specifier.type === 'ImportNamespaceSpecifier') {
          factories.add((specifier.local as Node).name as string);
        } else if (framework === 'fastify' && ((specifier.imported as Node)?.name as string) === 'fastify') {
          factories.add((specifier.local as Node).name as string);
        }
      }
    }
    if (statement.type === 'VariableDeclaration') {
      for (const declarator of statement.declarations as Node[]) {
        const init = declarator.init as Node | undefined;
        if (init?.type === 'CallExpression' && source(code, init).replace(/\s/g, '') === `require('${framework}')`) {
          const id = declarator.id as Node;
          if (id.type === 'Identifier') factories.add(id.name as string);
        }
      }
    }
  }
  const found: AppCreation[] = [];
  // `statement`: the node whose line the route goes after; the export around `export const app = express();`.
  const walk = (node: Node, depth: number, block: Node[] | undefined, statement: Node = node) => {
    if (node.type === 'VariableDeclaration' && block !== undefined) {
      for (const declarator of node.declarations as Node[]) {
        const init = declarator.init as Node | undefined;
        const callee = init?.type === 'CallExpression' ? (init.callee as Node) : undefined;
        const id = declarator.id as Node;
        if (callee?.type === 'Identifier' && factories.has(callee.name as string) && id.type === 'Identifier') {
          const lineStart = code.lastIndexOf('\n', (statement.start ?? 0) - 1) + 1;
          found.push({
            variable: id.name as string,
            after: statement.end ?? 0,
            indent: code.slice(lineStart, statement.start ?? 0),
            nested: depth > 0,
          });
        }
      }
    }
    for (const [key, value] of Object.entries(node)) {
      if (key === 'loc' || key === 'comments' || key === 'leadingComments' || key === 'trailingComments') continue;
      if (Array.isArray(value)) {
        const isBlock = key === 'body' && (node.type === 'BlockStatement' || node.type === 'Program');
        const nextDepth = node.type.includes('Function') ? depth + 1 : depth;
        for (const child of value) {
          if (child && typeof child === 'object' && typeof (child as Node).type === 'string') {
            walk(child as Node, nextDepth, isBlock ? value : undefined);
          }
        }
      } else if (value && typeof value === 'object' && typeof (value as Node).type === 'string') {
        // `export const app = express();` is a statement of the enclosing block, like its unexported form.
        if (node.type === 'ExportNamedDeclaration' && key === 'declaration') walk(value as Node, depth, block, node);
        else walk(value as Node, node.type.includes('Function') ? depth + 1 : depth, undefined);
      }
    }
  };
  walk(program, 0, undefined);
  return found;
}

/**
 * Where a new import (or top-level require) goes: after the last import declaration, or the last top-level
 * `require()` statement, or after the directives ('use strict') at the top.
 */
export function importInsertionPoint(code: string): number {
  const program = parse(code);
  if (program === undefined) return 0;
  let after = 0;
  for (const directive of (program.directives as Node[] | undefined) ?? []) after = directive.end ?? after;
  for (const statement of body(program)) {
    if (statement.type === 'ImportDeclaration') after = statement.end ?? after;
    else if (
      statement.type === 'VariableDeclaration' &&
      /^\s*(const|let|var)[^=]+=\s*require\(/.test(source(code, statement))
    ) {
      after = statement.end ?? after;
    }
  }
  return after;
}

/** Whether the module imports (or requires) the given relative specifier, with or without an extension. */
export function importsModule(code: string, specifier: string): boolean {
  const bare = specifier.replace(/\.(js|ts|mjs|cjs)$/, '');
  const escaped = bare.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  return new RegExp(`(from\\s*|require\\(\\s*)['"]${escaped}(\\.(js|ts|mjs|cjs))?['"]`).test(code);
}

/** Whether the app writes relative imports with an extension (`./db.js`), as NodeNext and ESM require. */
export function usesImportExtensions(code: string): boolean {
  const relative = [...code.matchAll(/(?:from\s*|require\(\s*|import\(\s*)['"](\.{1,2}\/[^'"]+)['"]/g)].map(
    (m) => m[1]!,
  );
  if (relative.length === 0) return true;
  return relative.filter((path) => /\.(js|mjs|cjs|ts)$/.test(path)).length * 2 >= relative.length;
}
