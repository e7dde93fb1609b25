/** The schema files, bundled as text by the build (tsup's text loader) and by the tests (vitest.config.ts). */
declare module '*.sql' {
  const text: string;
  export default text;
}
