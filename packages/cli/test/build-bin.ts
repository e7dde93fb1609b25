import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The bin tests run bin/scim.mjs, which loads dist/: rebuilt first when a source file is newer than
 * the build (turbo.json has `pnpm test` build it first; this covers running vitest on its own).
 */
export default function setup(): void {
  const root = fileURLToPath(new URL('..', import.meta.url));
  const built = join(root, 'dist/index.js');
  const newest = (dir: string): number =>
    Math.max(
      0,
      ...readdirSync(dir, { withFileTypes: true }).map((entry) =>
        entry.isDirectory() ? newest(join(dir, entry.name)) : statSync(join(dir, entry.name)).mtimeMs,
      ),
    );
  if (
    existsSync(built) &&
    statSync(built).mtimeMs >= Math.max(newest(join(root, 'src')), statSync(join(root, 'package.json')).mtimeMs)
  ) {
    return;
  }
  execFileSync('pnpm', ['run', 'build'], { cwd: root, stdio: 'ignore' });
}
