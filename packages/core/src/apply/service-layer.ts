import type { IdentityLink, UserWrite } from '../adapter/records.js';
import { ScimError, UserRejection } from '../errors.js';
import type { DirectoryEvent } from '../events/types.js';
import { inChunks, readInChunks } from './batching.js';
import type { ApplyScope, RoleUpdate, UserLayer } from './user-layer.js';
import type { AppUserId, ProvisionContext, UserService } from './user-service.js';

/**
 * The app's own user functions as the user layer. Each applied step becomes calls of the app's functions,
 * in the caller's transaction, one user after the other (in id order, as the steps come): a user new to
 * the app is created (or linked with `findExisting`) and its link saved; a known one updated, reactivated,
 * deactivated or removed through its link. Links are read, saved and deleted once per batch.
 *
 * A step the SDK's records call `unchanged` (the same content again) calls nothing: the app's functions
 * are told of changes only.
 */
export function serviceUserLayer<Tx>(service: UserService<Tx>, maxBatchSize: number): UserLayer {
  const context = (
    scope: ApplyScope,
    directoryUserId: string,
    event: DirectoryEvent | undefined,
  ): ProvisionContext<Tx> => ({
    organizationId: scope.organizationId,
    directoryUserId,
    source: scope.source,
    ...(event === undefined ? {} : { event }),
    tx: scope.tx as Tx,
  });

  const readLinks = async (scope: ApplyScope, ids: readonly string[]): Promise<Map<string, string>> => {
    const links = await readInChunks(ids, maxBatchSize, (chunk) => scope.store.getLinks(scope.organizationId, chunk));
    return new Map(links.map((l) => [l.directoryUserId, l.appUserId]));
  };

  /**
   * An app user a directory user is linked to; refuses one already linked to another directory user here,
   * in the store or earlier in this batch (`linkedHere`: app user -> directory user, saved at its end).
   */
  const adopt = async (
    scope: ApplyScope,
    found: AppUserId,
    directoryUserId: string,
    linkedHere: ReadonlyMap<string, string>,
  ): Promise<string> => {
    const appUserId = String(found);
    const [stored] = await scope.store.getLinksToAppUsers(scope.organizationId, [appUserId]);
    const taken = linkedHere.get(appUserId) ?? stored?.directoryUserId;
    if (taken !== undefined && taken !== directoryUserId) {
      throw new UserRejection(
        `findExisting answered app user ${appUserId}, already linked to directory user ${taken} of this organization`,
      );
    }
    return appUserId;
  };

  const created = (id: unknown): string => {
    if ((typeof id !== 'string' || id === '') && typeof id !== 'number') {
      throw new ScimError('CONFIGURATION_ERROR', "users.create must resolve the new user's id (a string or a number)");
    }
    return String(id);
  };

  return {
    async writeSteps(scope, steps, events) {
      const touched: number[] = [];
      steps.forEach((s, i) => {
        if (s.remove || s.deactivate || (s.write !== undefined && s.action !== 'unchanged')) touched.push(i);
      });
      if (touched.length === 0) return;
      const links = await readLinks(
        scope,
        touched.map((i) => steps[i]!.userId),
      );
      const saved: IdentityLink[] = [];
      const linkedHere = new Map<string, string>();
      const dropped: string[] = [];
      for (const i of touched) {
        const s = steps[i]!;
        const ctx = context(scope, s.userId, events[i]);
        let appUserId = links.get(s.userId);
        if (s.remove) {
          if (appUserId === undefined) continue;
          if (service.remove) {
            await service.remove(appUserId, ctx);
            dropped.push(s.userId);
          } else {
            // Kept linked: should the directory bring the user back, it is the same app user again.
            await service.deactivate(appUserId, ctx);
          }
          continue;
        }
        if (s.write === undefined) {
          if (appUserId !== undefined) await service.deactivate(appUserId, ctx);
          continue;
        }
        const user: UserWrite = s.write;
        if (appUserId === undefined) {
          const found = service.findExisting ? await service.findExisting(user, ctx) : null;
          if (found !== null && found !== undefined) {
            appUserId = await adopt(scope, found, s.userId, linkedHere);
            await service.update(appUserId, user, ctx);
          } else {
            appUserId = created(await service.create(user, ctx));
          }
          saved.push({ directoryUserId: s.userId, appUserId });
          linkedHere.set(appUserId, s.userId);
          if (!user.active) await service.deactivate(appUserId, ctx);
          continue;
        }
        if (s.action === 'reactivate' && service.reactivate) await service.reactivate(appUserId, user, ctx);
        else await service.update(appUserId, user, ctx);
        if (s.action === 'deactivate') await service.deactivate(appUserId, ctx);
      }
      await inChunks(saved, maxBatchSize, (chunk) => scope.store.saveLinks(scope.organizationId, chunk));
      await inChunks(dropped, maxBatchSize, (chunk) => scope.store.deleteLinks(scope.organizationId, chunk));
    },

    async setRoles(scope, users: readonly RoleUpdate[]) {
      const links = await readLinks(
        scope,
        users.map((u) => u.id),
      );
      for (const u of users) {
        const appUserId = links.get(u.id);
        if (appUserId === undefined) continue;
        const user: UserWrite = {
          id: u.id,
          organizationId: scope.organizationId,
          roles: u.roles,
          active: u.active,
          version: u.version,
        };
        await service.update(appUserId, user, context(scope, u.id, undefined));
      }
    },

    async deactivate(scope, userIds, event) {
      const links = await readLinks(scope, userIds);
      for (const id of userIds) {
        const appUserId = links.get(id);
        if (appUserId !== undefined) await service.deactivate(appUserId, context(scope, id, event));
      }
    },
  };
}
