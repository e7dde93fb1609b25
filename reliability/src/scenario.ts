/**
 * A reliability scenario: what it injects, what it checks, and a run that measures figures and collects
 * failed checks. The same object runs under vitest (correctness, in CI) and in `scripts/report.ts`, which
 * renders every result into RELIABILITY.md.
 */

export type ScenarioKind =
  /** Pass/fail checks, small and bounded: runs in CI. */
  | 'correctness'
  /** Sustained traffic for a minute or more: only from the report script. */
  | 'load';

export type FigureValue = string | number | boolean;

/** A small table in the report, e.g. one row per category or per time window. */
export interface FigureTable {
  title: string;
  columns: string[];
  rows: FigureValue[][];
}

export interface ScenarioOutcome {
  /** Named figures, in the order they were recorded. */
  figures: Record<string, FigureValue>;
  tables: FigureTable[];
  /** One readable line per failed check; empty when the scenario passed. */
  failures: string[];
  /** Why the scenario did not run (a database missing on a developer's machine); never set in CI. */
  skipped: string | null;
}

export interface ScenarioResult extends ScenarioOutcome {
  id: string;
  title: string;
  kind: ScenarioKind;
  injected: string;
  checked: string;
  passed: boolean;
  durationMs: number;
}

export interface Scenario {
  id: string;
  title: string;
  kind: ScenarioKind;
  /** What the scenario does to the system, in one or two sentences. */
  injected: string;
  /** What must hold for it to pass. */
  checked: string;
  run(recorder: Recorder): Promise<void>;
}

/** Collects figures, tables and failed checks while a scenario runs. */
export class Recorder {
  readonly figures: Record<string, FigureValue> = {};
  readonly tables: FigureTable[] = [];
  readonly failures: string[] = [];
  skipped: string | null = null;

  /**
   * Marks the scenario as not run. In CI (`CI` set) a missing prerequisite is a failure instead: the
   * scenarios that need a database must never pass by not running.
   */
  skip(reason: string): void {
    if (process.env.CI) this.failures.push(`${reason}; CI requires it`);
    else this.skipped = reason;
  }

  figure(name: string, value: FigureValue): void {
    this.figures[name] = value;
  }

  table(table: FigureTable): void {
    this.tables.push(table);
  }

  /** Records a failure unless `condition` holds; returns the condition. */
  check(condition: boolean, failure: string): boolean {
    if (!condition) this.failures.push(failure);
    return condition;
  }

  equal<T>(actual: T, expected: T, what: string): boolean {
    return this.check(
      Object.is(actual, expected),
      `${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`,
    );
  }
}

/** Runs a scenario; an exception it throws is a failure of the scenario, not of the runner. */
export async function runScenario(scenario: Scenario): Promise<ScenarioResult> {
  const recorder = new Recorder();
  const started = performance.now();
  try {
    await scenario.run(recorder);
  } catch (error) {
    recorder.failures.push(`threw: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  }
  const { id, title, kind, injected, checked } = scenario;
  return {
    id,
    title,
    kind,
    injected,
    checked,
    figures: recorder.figures,
    tables: recorder.tables,
    failures: recorder.failures,
    skipped: recorder.skipped,
    passed: recorder.failures.length === 0 && recorder.skipped === null,
    durationMs: Math.round(performance.now() - started),
  };
}
