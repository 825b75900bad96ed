import type { EntityManager } from '@mikro-orm/postgresql';
import { describe, expect, it } from 'vitest';
import { UNKNOWN_CLIENT } from './client-info.js';
import { RequestContext } from './request-context.js';

describe('RequestContext', () => {
  it('forks the EntityManager and builds the loaders on first use, also in the copy Apollo Server makes of it', () => {
    let forks = 0;
    let builds = 0;
    const context = new RequestContext(
      () => ({ id: ++forks }) as unknown as EntityManager,
      (em) => ({ builtWith: em, build: ++builds }),
      {} as never,
      {} as never,
      'request-1',
      null,
      UNKNOWN_CLIENT,
      { service: true },
    );
    // As Apollo Server's cloneObject copies the context for each operation.
    const copy = Object.assign(Object.create(Object.getPrototypeOf(context)), context) as typeof context;
    expect([forks, builds]).toEqual([0, 0]);
    expect(copy.requestId).toBe('request-1');
    expect(copy.loaders.builtWith).toBe(copy.em);
    expect(copy.em).toBe(copy.em);
    expect([forks, builds]).toEqual([1, 1]);
  });
});
