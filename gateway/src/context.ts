/** What the gateway knows about one client request. */
export interface GatewayContext {
  requestId: string;
}
