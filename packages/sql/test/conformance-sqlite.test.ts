import { sqlConformance } from './support/conformance.js';

await sqlConformance('better-sqlite3');
