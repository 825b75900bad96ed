import { describe, expect, it } from 'vitest';
import { booleanFlag, ConfigError, parseEnv, port, subgraphEnvShape } from './parse-env.js';

describe('parseEnv', () => {
  it('applies defaults that work on a developer machine', () => {
    const config = parseEnv({ ...subgraphEnvShape, PORT: port(4001) }, {});
    expect(config.PORT).toBe(4001);
    expect(config.DATABASE_URL).toBe('postgres://postgres@127.0.0.1:5432/commerce');
    expect(config.SEED_DEMO).toBe(false);
  });

  it('names every bad variable in one error', () => {
    const parse = () => parseEnv({ ...subgraphEnvShape, PORT: port(4001) }, { PORT: '99999', DATABASE_URL: 'not a url', SEED_DEMO: 'maybe' });
    expect(parse).toThrow(ConfigError);
    expect(parse).toThrow(/PORT/);
    expect(parse).toThrow(/DATABASE_URL/);
    expect(parse).toThrow(/SEED_DEMO/);
  });

  it('reads flags, and keeps an unset flag undefined when asked to', () => {
    expect(parseEnv({ A: booleanFlag(false), B: booleanFlag(true), C: booleanFlag(undefined) }, { A: 'yes', B: '0' })).toEqual({
      A: true,
      B: false,
      C: undefined,
    });
  });
});
