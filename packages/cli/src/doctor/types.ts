/** How one line of the checklist ended. `skip`: it could not run because an earlier check failed. */
export type CheckStatus = 'pass' | 'warn' | 'fail' | 'skip';

/** One line of `scim doctor`'s checklist; also the shape of each entry of `--json`'s `checks`. */
export interface CheckResult {
  /** Stable id for CI scripts, e.g. `env.SCALEKIT_WEBHOOK_SECRET`, `webhook.signed`. */
  id: string;
  title: string;
  status: CheckStatus;
  /** What was found. Never a secret. */
  detail: string;
  /** What to do about a failure or a warning. */
  fix?: string;
  /** Facts a script may want (organization, directory, provider, skew); never a secret. */
  data?: Record<string, unknown>;
}

export function check(
  id: string,
  title: string,
  status: CheckStatus,
  detail: string,
  extra: { fix?: string; data?: Record<string, unknown> } = {},
): CheckResult {
  return { id, title, status, detail, ...extra };
}
