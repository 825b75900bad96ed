/**
 * The Node flags every service runs with (the package start scripts and the Dockerfile say the same):
 * - `--experimental-async-context-frame`: AsyncLocalStorage (MikroORM's contexts) on Node 22's async context frames
 *   instead of promise hooks, which profiles showed costing a subgraph ~6% of its CPU on every promise;
 * - `--max-semi-space-size=64`: a young generation of 64 MB semi-spaces instead of V8's 16 MB. A scavenge copies what
 *   is alive, and under a time-sale burst that is mostly the thousand requests in flight, whatever the size: larger
 *   semi-spaces make the scavenges fewer (the README's time-sale section has the measurements).
 */
export const SERVICE_NODE_ARGS = ['--experimental-async-context-frame', '--max-semi-space-size=64'];
