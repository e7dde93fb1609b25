import type { Project } from './project.js';
import { integrationPath, type Style, specifier, WEBHOOK_PATH } from './render.js';
import { findAppCreation, importInsertionPoint, importsModule } from './source.js';

export type MountResult =
  | { kind: 'edited'; code: string }
  | { kind: 'already' }
  /** Not safe to edit: the lines the user adds by hand, and why. */
  | { kind: 'manual'; reason: string; lines: string[] };

/**
 * Mounts the webhook route in the app's entry file: one import after the app's imports and one line right
 * after the app is created (so before any body parser, which would eat the bytes the signature covers).
 * Only when the file creates exactly one app; otherwise the caller prints the lines.
 */
export function mountWebhook(project: Project, style: Style, entry: string, code: string): MountResult {
  const framework = project.framework.kind;
  const from = specifier(entry, integrationPath(project, style), style);
  const names = framework === 'express' ? ['scimWebhook'] : ['scimEngine', 'scimWebhookPlugin'];
  const importLine = style.esm
    ? `import { ${names.join(', ')} } from '${from}';`
    : `const { ${names.join(', ')} } = require('${from}');`;
  const mountLine = (app: string) =>
    framework === 'express'
      ? `${app}.use('${WEBHOOK_PATH}', scimWebhook);`
      : `${app}.register(scimWebhookPlugin, { engine: scimEngine, prefix: '${WEBHOOK_PATH}' });`;

  if (importsModule(code, from)) return { kind: 'already' };
  if (framework === 'none') {
    return { kind: 'manual', reason: 'no Express or Fastify app found', lines: [importLine] };
  }
  const found = findAppCreation(code, framework);
  if (found.length !== 1) {
    return {
      kind: 'manual',
      reason: found.length === 0 ? `no ${framework} app is created in ${entry}` : `${entry} creates several apps`,
      lines: [importLine, mountLine('app')],
    };
  }
  const creation = found[0]!;
  const comment =
    framework === 'express'
      ? "// Scalekit's directory webhook (scim init): before any body parser, it verifies the raw bytes."
      : "// Scalekit's directory webhook (scim init): an encapsulated plugin with its own raw-body parser.";
  const mount = `\n${creation.indent}${comment}\n${creation.indent}${mountLine(creation.variable)}`;
  const at = importInsertionPoint(code);
  if (at > creation.after) {
    return { kind: 'manual', reason: `the app is created before the imports end in ${entry}`, lines: [importLine] };
  }
  const importText = at === 0 ? `${importLine}\n` : `\n${importLine}`;
  const edited = code.slice(0, at) + importText + code.slice(at, creation.after) + mount + code.slice(creation.after);
  return { kind: 'edited', code: edited };
}
