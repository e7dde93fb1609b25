/**
 * One measured scenario of the sync benchmark, in a fresh process so that its peak RSS is its own.
 * Receives the simulator's address over IPC and answers with its figures.
 */
import { ScalekitClient } from '@scalekit-sdk/node';
import { createScimEngine, memoryAdapter, silentLogger, type UserWrite } from '@scim/core';

interface Job {
  scenario: 'full' | 'naive' | 'incremental';
  url: string;
  credentials: { clientId: string; clientSecret: string };
  organizationId: string;
  directoryId: string;
}

function waitFor(predicate: (message: Record<string, unknown>) => boolean): Promise<void> {
  return new Promise((resolve) => {
    const listener = (message: Record<string, unknown>) => {
      if (!predicate(message)) return;
      process.off('message', listener);
      resolve();
    };
    process.on('message', listener);
  });
}

async function run(job: Job) {
  const client = new ScalekitClient(job.url, job.credentials.clientId, job.credentials.clientSecret);
  const adapter = memoryAdapter();
  const { organizationId, directoryId } = job;

  if (job.scenario === 'naive') {
    // The loop of Scalekit's docs: list a page, then await one upsert per user.
    const start = performance.now();
    let listed = 0;
    let pageToken = '';
    do {
      const page = await client.directory.listDirectoryUsers(organizationId, directoryId, { pageSize: 100, pageToken });
      for (const user of page.users) {
        const write: UserWrite = {
          id: user.id,
          organizationId,
          email: user.email,
          givenName: user.givenName,
          familyName: user.familyName,
          username: user.preferredUsername,
          active: true,
          version: 0n,
        };
        await adapter.upsertUsers(organizationId, [write]);
        listed++;
      }
      pageToken = page.nextPageToken;
    } while (pageToken !== '');
    return { listed, seconds: (performance.now() - start) / 1000 };
  }

  const engine = createScimEngine({
    adapter,
    logger: silentLogger,
    scalekit: client,
    webhookSecret: 'whsec_AAAA',
    // Like the naive loop, the listing asks for no userDetail unless BENCH_DETAIL=1.
    sync: {
      includeDetail: process.env.BENCH_DETAIL === '1',
      ...(process.env.BENCH_SYNC_CONCURRENCY === undefined
        ? {}
        : { concurrency: Number(process.env.BENCH_SYNC_CONCURRENCY) }),
    },
  });
  if (job.scenario === 'incremental') {
    await engine.sync({ organizationId, directoryId });
    process.send?.({ synced: true });
    await waitFor((m) => m.cmd === 'go');
    const start = performance.now();
    const report = await engine.sync({ organizationId, directoryId, mode: 'incremental' });
    return { listed: report.users.listed, updated: report.users.updated, seconds: (performance.now() - start) / 1000 };
  }
  const start = performance.now();
  const report = await engine.sync({ organizationId, directoryId });
  return { listed: report.users.listed, created: report.users.created, seconds: (performance.now() - start) / 1000 };
}

process.once('message', (job: Job) => {
  const cpu = process.cpuUsage();
  run(job).then(
    (result) => {
      const used = process.cpuUsage(cpu);
      process.send?.({
        result: {
          ...result,
          maxRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
          // This process's own CPU time, which other load on a shared machine does not inflate.
          cpuSeconds: (used.user + used.system) / 1e6,
        },
      });
      process.disconnect?.();
    },
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
});
