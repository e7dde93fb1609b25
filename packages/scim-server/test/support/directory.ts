import type { MemoryDirectoryState } from '../../src/index.js';
import type { DirectoryExpectation } from '../../src/vectors/index.js';
import { partialMatch, substitute } from '../../src/vectors/match.js';

/** The failures of a vector's directory expectations against what the memory store passed to the engine. */
export function directoryFailures(
  state: MemoryDirectoryState,
  expectations: readonly DirectoryExpectation[],
  variables: Readonly<Record<string, string>>,
): string[] {
  const failures: string[] = [];
  const idOf = (name: string) => variables[name] ?? `<${name} never captured>`;
  for (const expectation of expectations) {
    if ('user' in expectation) {
      const entry = state.users.get(idOf(expectation.user));
      if (entry === undefined) failures.push(`user ${expectation.user}: never reached the engine`);
      else if ('deleted' in expectation) {
        if (!entry.deleted) failures.push(`user ${expectation.user}: expected a deprovision`);
      } else if (entry.deleted || !partialMatch(entry.user, substitute(expectation.matches, variables))) {
        failures.push(
          `user ${expectation.user}: ${JSON.stringify(entry.user)} does not match ${JSON.stringify(expectation.matches)}`,
        );
      }
      continue;
    }
    const entry = state.groups.get(idOf(expectation.group));
    if (entry === undefined) {
      failures.push(`group ${expectation.group}: never reached the engine`);
    } else if ('deleted' in expectation) {
      if (!entry.deleted) failures.push(`group ${expectation.group}: expected a delete`);
    } else {
      const actual = [...(state.memberships.get(entry.group.id) ?? [])].sort();
      const expected = expectation.members.map(idOf).sort();
      if (JSON.stringify(actual) !== JSON.stringify(expected)) {
        failures.push(`group ${expectation.group}: members ${actual.join(',')} instead of ${expected.join(',')}`);
      }
    }
  }
  return failures;
}
