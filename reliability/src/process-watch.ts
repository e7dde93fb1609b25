/**
 * Records what would kill a real process (an uncaught exception, an unhandled rejection) while a scenario
 * runs in this one, so "the process stays alive" is checked rather than assumed.
 */
export function watchProcess(): { problems: string[]; stop(): void } {
  const problems: string[] = [];
  const onException = (error: Error) => problems.push(`uncaughtException: ${error.message}`);
  const onRejection = (reason: unknown) =>
    problems.push(`unhandledRejection: ${reason instanceof Error ? reason.message : String(reason)}`);
  process.on('uncaughtException', onException);
  process.on('unhandledRejection', onRejection);
  return {
    problems,
    stop() {
      process.off('uncaughtException', onException);
      process.off('unhandledRejection', onRejection);
    },
  };
}
