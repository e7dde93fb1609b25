import type { ResourceSchemas } from '../schema/registry.js';
import type { RequestContext } from '../server/request-context.js';
import type { ScimGroupRef, ScimMemberRef, StoredScimResource } from '../store/port.js';
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

/** What the caller already knows of a resource's relations (a user it has just created: no groups). */
export interface KnownRelations {
  /** A user's groups. */
  groups?: ScimGroupRef[];
}

export async function render(
  context: RequestContext,
  schemas: ResourceSchemas,
  resource: StoredScimResource,
  projection: Projection,
  known: KnownRelations = {},
): Promise<Json> {
  if (schemas.resourceType !== 'User' || known.groups === undefined) {
    return (await renderAll(context, schemas, [resource], projection))[0]!;
  }
  const groups = projection.wants('groups') ? known.groups : undefined;
  return projection.apply(represent(resource, schemas, context.locationOf, { groups }));
}
