import type { ResourceSchemas } from '../schema/registry.js';
import type { RequestContext } from '../server/request-context.js';
import type { ScimMemberRef, StoredScimResource } from '../store/port.js';
import type { Projection } from './projection.js';
import { type Json, represent } from './representation.js';

const MEMBER_PAGE = 1000;

/** A group's members, page by page in id order. */
export async function* memberPages(context: RequestContext, groupId: string): AsyncGenerator<ScimMemberRef[]> {
  let after: string | null = null;
  for (;;) {
    const page = await context.server.store.listMembers({
      organizationId: context.organizationId,
      groupId,
      after,
      limit: MEMBER_PAGE,
    });
    if (page.length > 0) yield page;
    if (page.length < MEMBER_PAGE) return;
    after = page[page.length - 1]!.value;
  }
}

/**
 * Resources as the answer carries them: members and groups are read only when the projection keeps them,
 * so `excludedAttributes=members` never touches a group's member rows.
 */
export async function renderAll(
  context: RequestContext,
  schemas: ResourceSchemas,
  resources: readonly StoredScimResource[],
  projection: Projection,
): Promise<Json[]> {
  if (resources.length === 0) return [];
  const { store } = context.server;
  const groupsByUser =
    schemas.resourceType === 'User' && projection.wants('groups')
      ? await store.groupsOfUsers(
          context.organizationId,
          resources.map((resource) => resource.id),
        )
      : undefined;
  const rendered: Json[] = [];
  for (const resource of resources) {
    let members: ScimMemberRef[] | undefined;
    if (schemas.resourceType === 'Group' && projection.wants('members')) {
      members = [];
      for await (const page of memberPages(context, resource.id)) members.push(...page);
    }
    const groups = groupsByUser === undefined ? undefined : (groupsByUser.get(resource.id) ?? []);
    const full = represent(resource, schemas, context.locationOf, { members, groups });
    rendered.push(projection.apply(full));
  }
  return rendered;
}

export async function render(
  context: RequestContext,
  schemas: ResourceSchemas,
  resource: StoredScimResource,
  projection: Projection,
): Promise<Json> {
  const [rendered] = await renderAll(context, schemas, [resource], projection);
  return rendered!;
}
