/**
 * The Node flags every service runs with (the package start scripts and the Dockerfile say the same):
 * - `--experimental-async-context-frame`: AsyncLocalStorage (MikroORM's contexts) on Node 22's async context frames
 *   instead of promise hooks, which profiles showed costing a subgraph ~6% of its CPU on every promise;
 * - `--max-semi-space-size=32`: a young generation of 32 MB semi-spaces instead of V8's 16 MB, so a request's
 *   short-lived objects die before a scavenge copies them (the gateway's GC time halved in the time-sale profile).
 */
export const SERVICE_NODE_ARGS = ['--experimental-async-context-frame', '--max-semi-space-size=32'];
