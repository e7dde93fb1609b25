import type { IdentityLink } from '@scim/core/adapter';
import { expect } from 'vitest';
import type { ConformanceContext } from '../context.js';
import type { ConformanceTest } from '../define-suite.js';
import { randomToken } from '../ids.js';

const byDirectoryUser = (links: readonly IdentityLink[]): IdentityLink[] =>
  [...links].sort((a, b) =>
    a.directoryUserId < b.directoryUserId ? -1 : a.directoryUserId > b.directoryUserId ? 1 : 0,
  );

async function expectLink(ctx: ConformanceContext, org: string, directoryUserId: string, appUserId: string | null) {
  const link = await ctx.backdoor.readLink(org, directoryUserId);
  expect(link, `link of ${directoryUserId} in ${org}`).toEqual(
    appUserId === null ? null : { directoryUserId, appUserId },
  );
}

/** Store tests of identity links: organization + directory user -> the app's user id (text). */
export const storeLinkTests = {
  'links: saved, read back once each, replaced (a repeated id: its last link), deleted; missing ids are no error':
    async (ctx) => {
      const org = ctx.organizationId;
      const s = ctx.adapter;
      const uuid = `${randomToken(8)}-${randomToken(4)}-${randomToken(4)}-${randomToken(4)}-${randomToken(12)}`;
      expect(await s.getLinks(org, ['diruser_missing'])).toEqual([]);
      expect(await s.getLinks(org, [])).toEqual([]);
      await s.saveLinks(org, []);
      await s.deleteLinks(org, []);

      await s.saveLinks(org, [
        { directoryUserId: 'diruser_1', appUserId: '0042' },
        { directoryUserId: 'diruser_2', appUserId: uuid },
      ]);
      // App ids are text: '0042' is not the number 42.
      await expectLink(ctx, org, 'diruser_1', '0042');
      await expectLink(ctx, org, 'diruser_2', uuid);
      expect(
        byDirectoryUser(await s.getLinks(org, ['diruser_2', 'diruser_missing', 'diruser_1', 'diruser_2'])),
      ).toEqual([
        { directoryUserId: 'diruser_1', appUserId: '0042' },
        { directoryUserId: 'diruser_2', appUserId: uuid },
      ]);

      await s.saveLinks(org, [
        { directoryUserId: 'diruser_1', appUserId: '43' },
        { directoryUserId: 'diruser_3', appUserId: 'first' },
        { directoryUserId: 'diruser_3', appUserId: 'last' },
      ]);
      await expectLink(ctx, org, 'diruser_1', '43');
      await expectLink(ctx, org, 'diruser_3', 'last');
      expect(await s.getLinks(org, ['diruser_3'])).toEqual([{ directoryUserId: 'diruser_3', appUserId: 'last' }]);

      await s.deleteLinks(org, ['diruser_1', 'diruser_missing', 'diruser_1']);
      await expectLink(ctx, org, 'diruser_1', null);
      await expectLink(ctx, org, 'diruser_2', uuid);
      expect(await s.getLinks(org, ['diruser_1'])).toEqual([]);
    },

  'getLinksToAppUsers names the links to these app users in this organization, each once': async (ctx) => {
    const org = ctx.organizationId;
    const other = ctx.organization().organizationId;
    const s = ctx.adapter;
    await s.saveLinks(org, [
      { directoryUserId: 'diruser_1', appUserId: '7' },
      { directoryUserId: 'diruser_2', appUserId: '8' },
      { directoryUserId: 'diruser_3', appUserId: '7' },
    ]);
    await s.saveLinks(other, [{ directoryUserId: 'diruser_9', appUserId: '7' }]);

    expect(byDirectoryUser(await s.getLinksToAppUsers(org, ['7', '7', 'missing']))).toEqual([
      { directoryUserId: 'diruser_1', appUserId: '7' },
      { directoryUserId: 'diruser_3', appUserId: '7' },
    ]);
    expect(await s.getLinksToAppUsers(org, ['8'])).toEqual([{ directoryUserId: 'diruser_2', appUserId: '8' }]);
    expect(await s.getLinksToAppUsers(org, [])).toEqual([]);
    expect(await s.getLinksToAppUsers(other, ['7'])).toEqual([{ directoryUserId: 'diruser_9', appUserId: '7' }]);
  },

  'links are kept per organization: the same directory user id, and one app user linked from two': async (ctx) => {
    const a = ctx.organizationId;
    const b = ctx.organization().organizationId;
    const s = ctx.adapter;
    await s.saveLinks(a, [
      { directoryUserId: 'diruser_1', appUserId: 'app_a' },
      { directoryUserId: 'diruser_person', appUserId: 'app_person' },
    ]);
    await s.saveLinks(b, [
      { directoryUserId: 'diruser_1', appUserId: 'app_b' },
      { directoryUserId: 'diruser_other_id', appUserId: 'app_person' },
    ]);

    await expectLink(ctx, a, 'diruser_1', 'app_a');
    await expectLink(ctx, b, 'diruser_1', 'app_b');
    expect(await s.getLinks(b, ['diruser_person'])).toEqual([]);
    expect(await s.getLinksToAppUsers(a, ['app_person'])).toEqual([
      { directoryUserId: 'diruser_person', appUserId: 'app_person' },
    ]);

    await s.saveLinks(a, [{ directoryUserId: 'diruser_1', appUserId: 'app_a2' }]);
    await s.deleteLinks(a, ['diruser_person']);

    await expectLink(ctx, b, 'diruser_1', 'app_b');
    await expectLink(ctx, b, 'diruser_other_id', 'app_person');
    expect(await s.getLinksToAppUsers(b, ['app_person'])).toEqual([
      { directoryUserId: 'diruser_other_id', appUserId: 'app_person' },
    ]);

    await s.deleteLinks(b, ['diruser_1']);
    await expectLink(ctx, a, 'diruser_1', 'app_a2');
  },
} satisfies Record<string, ConformanceTest>;
