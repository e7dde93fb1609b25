import type { ExportedFunction, FileExports } from './source.js';

export type UserOperation = 'create' | 'update' | 'deactivate' | 'reactivate';

export interface FoundFunction extends ExportedFunction {
  /** The file that exports it, relative to the app's root. */
  file: string;
  /** Lower is better: 0 is the conventional name (`createUser`). */
  score: number;
}

export type Candidates = Record<UserOperation, FoundFunction[]>;

/** The app's user functions that `scim init` wires, one per operation (reactivate is optional). */
export type UserFunctions = Partial<Record<UserOperation, FoundFunction>>;

const SUBJECTS = ['User', 'Member', 'Account', 'Employee', 'Person', 'Agent', 'Customer', 'Staff', 'Teammate'];
const VERBS: Record<UserOperation, string[]> = {
  create: ['create', 'add', 'insert', 'register', 'provision', 'invite'],
  update: ['update', 'edit', 'modify', 'save'],
  deactivate: ['deactivate', 'disable', 'suspend', 'archive', 'deprovision', 'remove', 'delete'],
  reactivate: ['reactivate', 'activate', 'enable', 'restore', 'unsuspend'],
};

/** How well a function name says the operation: undefined when it does not. */
export function scoreName(name: string, operation: UserOperation): number | undefined {
  const match = /^([a-z]+)([A-Z][A-Za-z]*)$/.exec(name);
  if (match === null) return undefined;
  const verb = VERBS[operation].indexOf(match[1]!);
  if (verb === -1) return undefined;
  const subject = SUBJECTS.findIndex((s) => match[2] === s || match[2] === `${s}s` || match[2]!.startsWith(s));
  if (subject === -1) return undefined;
  // `reactivateUser` is no deactivate, `activateUser` no create.
  const exact = SUBJECTS.includes(match[2]!) ? 0 : 1;
  return verb * 10 + subject * 2 + exact;
}

export function findCandidates(modules: Map<string, FileExports>): Candidates {
  const candidates: Candidates = { create: [], update: [], deactivate: [], reactivate: [] };
  for (const [file, exports] of modules) {
    for (const fn of exports.functions) {
      for (const operation of Object.keys(candidates) as UserOperation[]) {
        const score = scoreName(fn.name, operation);
        if (score !== undefined) candidates[operation].push({ ...fn, file, score });
      }
    }
  }
  for (const list of Object.values(candidates)) list.sort((a, b) => a.score - b.score || a.file.localeCompare(b.file));
  return candidates;
}

/** The best match of each operation; ambiguous when two share the best score. */
export function bestMatches(candidates: Candidates): { chosen: UserFunctions; ambiguous: UserOperation[] } {
  const chosen: UserFunctions = {};
  const ambiguous: UserOperation[] = [];
  for (const operation of Object.keys(candidates) as UserOperation[]) {
    const [first, second] = candidates[operation];
    if (first === undefined) continue;
    chosen[operation] = first;
    if (second !== undefined && second.score === first.score) ambiguous.push(operation);
  }
  return { chosen, ambiguous };
}

/** Service mode needs create, update and deactivate. */
export function isComplete(functions: UserFunctions): boolean {
  return functions.create !== undefined && functions.update !== undefined && functions.deactivate !== undefined;
}
