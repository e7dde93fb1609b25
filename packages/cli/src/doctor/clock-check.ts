import { DEFAULT_TOLERANCE_SECONDS } from '@scim/core';
import { type CheckResult, check } from './types.js';

/** A clock read from an HTTP answer's `Date` header, with the local time the answer arrived. */
export interface RemoteClock {
  date: Date;
  receivedAt: number;
}

/** Scalekit's clock: the `Date` header of any answer of the environment's host (a HEAD of its origin). */
export async function scalekitClock(environmentUrl: string, now: () => number): Promise<RemoteClock | undefined> {
  try {
    const response = await fetch(environmentUrl, { method: 'HEAD', signal: AbortSignal.timeout(10_000) });
    const header = response.headers.get('date');
    return header ? { date: new Date(header), receivedAt: now() } : undefined;
  } catch {
    return undefined;
  }
}

/** Seconds the remote clock is ahead of the local one (`Date` has whole seconds: +-1 s). */
function offsetSeconds(clock: RemoteClock): number {
  return Math.round((clock.date.getTime() - clock.receivedAt) / 1000);
}

/**
 * Scalekit signs with its clock and the app verifies with its own; a delivery is refused when they differ by
 * more than the tolerance (300 s, both ways). Compares this machine and the app (from its webhook answer)
 * with Scalekit.
 */
export function checkClock(scalekit: RemoteClock | undefined, app: RemoteClock | undefined): CheckResult {
  const tolerance = DEFAULT_TOLERANCE_SECONDS;
  if (scalekit === undefined) {
    return check('clock', 'Clock', 'skip', "Scalekit's clock could not be read (no answer with a Date header)");
  }
  const local = -offsetSeconds(scalekit);
  const appSkew = app === undefined ? undefined : offsetSeconds(app) - offsetSeconds(scalekit);
  const data: Record<string, unknown> = { toleranceSeconds: tolerance, localSkewSeconds: local };
  if (appSkew !== undefined) data.appSkewSeconds = appSkew;
  const worst = Math.max(Math.abs(local), Math.abs(appSkew ?? 0));
  const detail =
    `this machine ${signed(local)} s from Scalekit` + (appSkew === undefined ? '' : `, the app ${signed(appSkew)} s`);
  if (worst > tolerance) {
    return check('clock', 'Clock', 'fail', `${detail}: past the ${tolerance} s signature tolerance`, {
      fix: "Sync the clock with NTP (timedatectl set-ntp true, or your platform's time service); signed deliveries are refused until then.",
      data,
    });
  }
  if (worst > 30) {
    return check('clock', 'Clock', 'warn', `${detail}: within the ${tolerance} s tolerance, but drifting`, {
      fix: 'Sync the clock with NTP before it passes the tolerance.',
      data,
    });
  }
  return check('clock', 'Clock', 'pass', `${detail} (tolerance ${tolerance} s)`, { data });
}

function signed(n: number): string {
  return n > 0 ? `+${n}` : String(n);
}
