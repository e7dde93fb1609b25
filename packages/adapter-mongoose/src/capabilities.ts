/** The fields of a `hello` answer that tell what kind of deployment the connection reaches. */
export interface HelloResult {
  /** Present on replica set members. */
  setName?: string;
  /** `isdbgrid` on a mongos router. */
  msg?: string;
  /** Null or absent when the deployment has no sessions (and so no transactions). */
  logicalSessionTimeoutMinutes?: number | null;
  [field: string]: unknown;
}

/**
 * Multi-document transactions exist on a replica set member and on a mongos, never on a standalone
 * mongod, and only where the deployment has sessions.
 */
export function transactionsFromHello(hello: HelloResult): boolean {
  const replicaSet = typeof hello.setName === 'string' && hello.setName.length > 0;
  const mongos = hello.msg === 'isdbgrid';
  const sessions = typeof hello.logicalSessionTimeoutMinutes === 'number';
  return (replicaSet || mongos) && sessions;
}
