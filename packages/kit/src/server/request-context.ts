import type { EntityManager } from '@mikro-orm/postgresql';
import type { Redis } from 'ioredis';
import type { Viewer } from '../identity/viewer.js';
import type { RedisPubSub } from '../redis/redis-pubsub.js';
import type { ClientInfo } from './client-info.js';
import type { SubgraphContext } from './subgraph-definition.js';

/**
 * A subgraph request's context whose EntityManager is forked, and whose DataLoaders are built, on first use: a request
 * that never reads the database (a time-sale claim) does not pay for them (a tenth of a subgraph's CPU per claim).
 * The getters live on the prototype and the state in plain own properties because Apollo Server copies the context
 * per operation (Object.assign onto an object with the same prototype): own getters would run during that copy.
 */
export class RequestContext<Loaders, Services> implements SubgraphContext<Loaders, Services> {
  private forked: EntityManager | undefined = undefined;
  private built: Loaders | undefined = undefined;

  constructor(
    private readonly fork: () => EntityManager,
    private readonly createLoaders: (em: EntityManager) => Loaders,
    readonly redis: Redis,
    readonly pubsub: RedisPubSub,
    readonly requestId: string,
    readonly viewer: Viewer | null,
    readonly client: ClientInfo,
    readonly services: Services,
  ) {}

  get em(): EntityManager {
    return (this.forked ??= this.fork());
  }

  get loaders(): Loaders {
    return (this.built ??= this.createLoaders(this.em));
  }
}
