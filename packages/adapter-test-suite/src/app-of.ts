import type { ConformanceApp } from './app-users.js';
import type { ConformanceContext } from './context.js';

/** The test app of a service-mode test (a `serviceOnly` test always has one). */
export function appOf(ctx: ConformanceContext): ConformanceApp {
  if (ctx.app === null) throw new Error(`a service-mode test ran in ${ctx.mode} mode`);
  return ctx.app;
}
