import { parseEnv, port, subgraphEnvShape } from '@commerce/kit';

export function readConfig(env: Record<string, string | undefined> = process.env) {
  return parseEnv({ ...subgraphEnvShape, PORT: port(4002) }, env);
}
