import { sqlConformance } from './support/conformance.js';

await sqlConformance('mysql2');
