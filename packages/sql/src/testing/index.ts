export { type SqlBackdoor, sqlBackdoor } from './backdoor.js';
