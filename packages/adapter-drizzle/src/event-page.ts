import type { EventQuery } from '@scim/core/adapter';
import { and, type Column, eq, lt, or, type SQL } from 'drizzle-orm';

/** The inbox columns a page of events is filtered and ordered on, in any dialect. */
export interface InboxColumns {
  id: Column;
  organizationId: Column;
  status: Column;
  receivedAt: Column;
}

/**
 * The filter of one page of the inbox, newest first: the organization and status asked for, and the
 * records after the cursor (received earlier, or at the same instant with a smaller id). The caller
 * orders by `receivedAt` then `id`, both descending.
 */
export function eventPageFilter(t: InboxColumns, query: EventQuery): SQL | undefined {
  const { before } = query;
  return and(
    query.organizationId === undefined ? undefined : eq(t.organizationId, query.organizationId),
    query.status === undefined ? undefined : eq(t.status, query.status),
    before === undefined
      ? undefined
      : or(lt(t.receivedAt, before.receivedAt), and(eq(t.receivedAt, before.receivedAt), lt(t.id, before.id))),
  );
}
