import { createContext } from './context.js';
import type { ConformanceMode, ConformanceTest } from './define-suite.js';
import type { ConformanceOptions, ConformanceServiceSetup } from './options.js';

export const NO_SERVICE_MODE =
  'no serviceMode harness was given: pass serviceMode (an adapter without a table mapping and the test app table) to run the service-mode suites';

/**
 * Runs one test body in a mode: `setup` (and in service mode `serviceMode`), the context, then the
 * teardowns, whatever the result, in the reverse order.
 */
export async function runTest(
  mode: ConformanceMode,
  body: ConformanceTest,
  options: Pick<ConformanceOptions, 'setup' | 'peer' | 'serviceMode'>,
  skip: (reason: string) => never,
): Promise<void> {
  if (mode === 'service' && options.serviceMode === undefined) skip(NO_SERVICE_MODE);
  const setup = await options.setup();
  let service: ConformanceServiceSetup | undefined;
  try {
    if (mode === 'service') service = await options.serviceMode!(setup);
    const handle = createContext(service === undefined ? { mode, setup } : { mode, setup, service }, options, skip);
    try {
      await body(handle.context);
    } finally {
      await handle.dispose();
    }
  } finally {
    try {
      await service?.teardown?.();
    } finally {
      await setup.teardown?.();
    }
  }
}
