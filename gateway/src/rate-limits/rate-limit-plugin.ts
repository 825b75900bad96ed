import { type ApolloServerPlugin, HeaderMap } from '@apollo/server';
import { type DocumentNode, GraphQLError, Kind, type OperationDefinitionNode, type SelectionSetNode } from 'graphql';
import type { GatewayContext } from '../context.js';
import { addressBucket } from './address-bucket.js';
import type { RateLimitCharge, RateLimiter } from './rate-limiter.js';
import type { RateLimitTable } from './rate-limit-rules.js';
import { fragmentsOf } from '../documents/fragments.js';

/** How many times each Mutation root field is called, through fragments and aliases. */
function rootFieldCalls(operation: OperationDefinitionNode, document: DocumentNode): Map<string, number> {
  const fragments = fragmentsOf(document);
  const calls = new Map<string, number>();
  const visit = (selectionSet: SelectionSetNode, seen: Set<string>) => {
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) calls.set(selection.name.value, (calls.get(selection.name.value) ?? 0) + 1);
      else if (selection.kind === Kind.INLINE_FRAGMENT) visit(selection.selectionSet, seen);
      else if (!seen.has(selection.name.value)) {
        const fragment = fragments.get(selection.name.value);
        if (fragment) visit(fragment.selectionSet, new Set(seen).add(selection.name.value));
      }
    }
  };
  visit(operation.selectionSet, new Set());
  return calls;
}

export interface RateLimitPluginOptions {
  table: RateLimitTable;
  limiter: RateLimiter;
  log?: (message: string) => void;
}

/**
 * Rate limits per member and per client address on the mutations of `table`, checked after validation and before
 * planning. Only a request containing one of those mutations costs a Redis call; queries and other mutations
 * pass after one comparison. Refusals are RATE_LIMITED with `retryAfterSeconds`, HTTP 429 and Retry-After.
 * When Redis cannot be reached the request is served (limits fail open) and that is logged at most once a minute.
 */
export function rateLimitPlugin({ table, limiter, log = console.warn }: RateLimitPluginOptions): ApolloServerPlugin<GatewayContext> {
  let warnedAt = 0;
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, document, contextValue }) {
          if (operation?.operation !== 'mutation') return;
          const charges: RateLimitCharge[] = [];
          for (const [field, amount] of rootFieldCalls(operation, document)) {
            for (const rule of table.get(field) ?? []) {
              const subject = rule.subject === 'member' ? contextValue.viewer?.memberId : addressBucket(contextValue.clientAddress ?? 'unknown');
              // Anonymous callers have no member counter; the subgraph refuses them where a member is required.
              if (!subject) continue;
              charges.push({ key: `rl:${field}:${rule.subject}:${subject}`, limit: rule.limit, windowMs: rule.windowSeconds * 1000, amount });
            }
          }
          if (!charges.length) return;
          let waitMs: number;
          try {
            waitMs = await limiter.charge(charges);
          } catch (error) {
            if (Date.now() - warnedAt > 60_000) {
              warnedAt = Date.now();
              log(`Rate limits not enforced: Redis failed (${(error as Error).message}).`);
            }
            return;
          }
          if (waitMs <= 0) return;
          const retryAfterSeconds = Math.max(1, Math.ceil(waitMs / 1000));
          throw new GraphQLError(`Too many calls of ${[...new Set(charges.map((c) => c.key.split(':')[1]))].join(', ')}; try again in ${retryAfterSeconds}s.`, {
            extensions: {
              code: 'RATE_LIMITED',
              retryAfterSeconds,
              // Apollo Server sets the response's status and headers from `http` and leaves it out of the body. Its
              // headers are a HeaderMap; the cast is for Yoga's (dev dependency) typing of `http` as a plain record.
              http: { status: 429, headers: new HeaderMap([['retry-after', String(retryAfterSeconds)]]) } as never,
            },
          });
        },
      };
    },
  };
}
