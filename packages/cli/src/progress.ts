import type { SyncProgress } from '@scim/core';
import cliProgress from 'cli-progress';
import { duration } from './format.js';
import type { CliIO } from './io.js';

/** Shows a sync's progress as it goes, on stderr, so that stdout holds only the result. */
export interface ProgressView {
  update(progress: SyncProgress): void;
  /** Ends the display (the bar is removed from a terminal). */
  stop(): void;
}

/** What a sync's progress means for a person: how far, how fast, how long still. */
export interface ProgressFigures {
  phase: SyncProgress['phase'];
  pages: number;
  usersListed: number;
  usersTotal: number | undefined;
  usersWritten: number;
  groupsListed: number;
  /** Users listed a second since the users phase began; undefined before a second of it. */
  rate: number | undefined;
  /** Milliseconds still, when the total and a rate are known. */
  etaMs: number | undefined;
}

export function figures(progress: SyncProgress, usersStartedAt: number | undefined, now: number): ProgressFigures {
  const seconds = usersStartedAt === undefined ? 0 : (now - usersStartedAt) / 1000;
  const rate = seconds >= 0.5 && progress.usersListed > 0 ? progress.usersListed / seconds : undefined;
  const total = progress.usersTotal;
  const etaMs =
    total !== undefined && rate !== undefined && progress.phase === 'users'
      ? (Math.max(0, total - progress.usersListed) / rate) * 1000
      : undefined;
  return {
    phase: progress.phase,
    pages: progress.pages,
    usersListed: progress.usersListed,
    usersTotal: total,
    usersWritten: progress.usersWritten,
    groupsListed: progress.groupsListed,
    rate,
    etaMs,
  };
}

/** One line of progress, for logs: every figure that is known. A dry run plans its writes. */
export function describeProgress(f: ProgressFigures, dryRun = false): string {
  const parts = [
    `${f.pages} ${f.pages === 1 ? 'page' : 'pages'}`,
    `${f.groupsListed} groups`,
    f.usersTotal === undefined ? `${f.usersListed} users listed` : `${f.usersListed}/${f.usersTotal} users listed`,
    `${f.usersWritten} ${dryRun ? 'to write' : 'written'}`,
  ];
  if (f.rate !== undefined) parts.push(`${Math.round(f.rate)} users/s`);
  if (f.etaMs !== undefined) parts.push(`ETA ${duration(f.etaMs)}`);
  return `${f.phase}: ${parts.join(', ')}`;
}

/**
 * A live bar on a terminal (cli-progress: redraws in place, throttled, hides the cursor); plain lines
 * otherwise: at each phase, then at most one every `intervalMs` while users are listed, so that a
 * CI log shows the sync moving without a line per page.
 */
export function progressView(
  io: CliIO,
  label: string,
  options: { intervalMs?: number; dryRun?: boolean } = {},
): ProgressView {
  const now = () => Date.now();
  let usersStartedAt: number | undefined;
  const track = (progress: SyncProgress) => {
    if (progress.phase === 'users' && usersStartedAt === undefined) usersStartedAt = now();
    return figures(progress, usersStartedAt, now());
  };

  if (io.stderr.isTTY) {
    let started = false;
    const bar = new cliProgress.SingleBar({
      stream: io.stderr,
      hideCursor: true,
      clearOnComplete: true,
      barsize: 20,
      fps: 8,
      format: (options, params, payload: { text?: string }) =>
        `${label} ${cliProgress.Format.BarFormat(params.progress, options)} ${payload.text ?? ''}`,
    });
    return {
      update(progress) {
        const f = track(progress);
        const total = Math.max(1, f.usersTotal ?? 0);
        const value = f.usersTotal === undefined ? 0 : Math.min(f.usersListed, total);
        const payload = { text: describeProgress(f, options.dryRun) };
        if (!started) {
          bar.start(total, value, payload);
          started = true;
        } else {
          bar.setTotal(total);
          bar.update(value, payload);
        }
      },
      stop() {
        if (started) bar.stop();
      },
    };
  }

  const interval = options.intervalMs ?? 2_000;
  let lastPhase: string | undefined;
  let lastAt = 0;
  return {
    update(progress) {
      const f = track(progress);
      const at = now();
      if (f.phase === lastPhase && at - lastAt < interval) return;
      lastPhase = f.phase;
      lastAt = at;
      io.stderr.write(`${label} ${describeProgress(f, options.dryRun)}\n`);
    },
    stop() {},
  };
}
