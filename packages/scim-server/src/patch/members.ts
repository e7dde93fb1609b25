import type { FilterNode } from '../filter/ast.js';
import { matches } from '../filter/evaluate.js';
import { badRequest } from '../http/errors.js';
import type { ScimMemberRef } from '../store/port.js';

/** Reads a group's members page by page (never the whole list at once). */
export type MemberPages = () => AsyncIterable<ScimMemberRef[]>;

/** Member ids from `[{ "value": "id" }, ...]` (or one such object, as some clients send). */
export function memberIds(value: unknown): string[] {
  const items = Array.isArray(value) ? value : [value];
  const ids: string[] = [];
  for (const item of items) {
    const id = item !== null && typeof item === 'object' ? (item as Record<string, unknown>).value : undefined;
    if (typeof id !== 'string' || id === '') throw badRequest('invalidValue', 'Each member needs a string "value"');
    ids.push(id);
  }
  return ids;
}

/** `value eq "a"`, or an `or` of those: the member ids Okta's `members[value eq "<id>"]` names. */
export function idsOfValueFilter(node: FilterNode): string[] | undefined {
  if (node.kind === 'compare' && node.op === 'eq' && node.path.name === 'value' && typeof node.value === 'string') {
    return [node.value];
  }
  if (node.kind !== 'or') return undefined;
  const ids: string[] = [];
  for (const child of node.filters) {
    const childIds = idsOfValueFilter(child);
    if (childIds === undefined) return undefined;
    ids.push(...childIds);
  }
  return ids;
}

type Step =
  | { kind: 'add' | 'remove'; ids: string[] }
  | { kind: 'replace'; ids: string[] }
  | { kind: 'removeWhere'; filter: FilterNode };

/**
 * A PATCH's membership operations, in order, resolved into deltas only at the end: `add` and `remove` by id
 * never read the member list, whatever the group's size; a `replace` (or a remove of every member) and a
 * remove by a filter other than `value eq` read it page by page.
 */
export class MemberPlan {
  private readonly steps: Step[] = [];

  add(ids: string[]): void {
    this.steps.push({ kind: 'add', ids });
  }
  remove(ids: string[]): void {
    this.steps.push({ kind: 'remove', ids });
  }
  replace(ids: string[]): void {
    this.steps.push({ kind: 'replace', ids });
  }
  removeWhere(filter: FilterNode): void {
    this.steps.push({ kind: 'removeWhere', filter });
  }

  get empty(): boolean {
    return this.steps.length === 0;
  }

  /** Ids the request adds (to check they are users of the organization). */
  addedIds(): string[] {
    return [...new Set(this.steps.flatMap((step) => (step.kind === 'add' || step.kind === 'replace' ? step.ids : [])))];
  }

  async resolve(pages: MemberPages): Promise<{ add: string[]; remove: string[] }> {
    const needsList = this.steps.some((step) => step.kind === 'replace' || step.kind === 'removeWhere');
    const current = new Set<string>();
    const removedByFilter = new Map<FilterNode, string[]>();
    if (needsList) {
      const filters = this.steps.flatMap((step) => (step.kind === 'removeWhere' ? [step.filter] : []));
      for (const filter of filters) removedByFilter.set(filter, []);
      for await (const page of pages()) {
        for (const member of page) {
          current.add(member.value);
          const element = { value: member.value, display: member.display ?? undefined, type: 'User' };
          for (const filter of filters) if (matches(filter, element)) removedByFilter.get(filter)!.push(member.value);
        }
      }
    }
    // Net effect per id, later steps winning; `target` set once a replace has fixed the whole list.
    let target: Set<string> | null = null;
    const adds = new Set<string>();
    const removes = new Set<string>();
    const apply = (kind: 'add' | 'remove', ids: readonly string[]) => {
      for (const id of ids) {
        if (target !== null) {
          if (kind === 'add') target.add(id);
          else target.delete(id);
        } else if (kind === 'add') {
          adds.add(id);
          removes.delete(id);
        } else {
          removes.add(id);
          adds.delete(id);
        }
      }
    };
    for (const step of this.steps) {
      if (step.kind === 'replace') target = new Set(step.ids);
      else if (step.kind === 'removeWhere') apply('remove', removedByFilter.get(step.filter) ?? []);
      else apply(step.kind, step.ids);
    }
    if (target === null) return { add: [...adds], remove: [...removes] };
    const finalTarget: Set<string> = target;
    return {
      add: [...finalTarget].filter((id) => !current.has(id)),
      remove: [...current].filter((id) => !finalTarget.has(id)),
    };
  }
}
