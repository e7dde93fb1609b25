import { sqlConformance } from './support/conformance.js';

await sqlConformance('pg');
