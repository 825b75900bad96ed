import { uuidv7 } from '@commerce/kit';
import { asMember, graphqlData } from '@commerce/testkit';

export const admin = () => asMember(uuidv7(), ['ADMIN']);

const CREATE = `mutation ($input: CreateCouponTemplateInput!) { createCouponTemplate(input: $input) { id } }`;

/** Creates a template as an admin; valid from a minute ago for a day unless told otherwise. */
export async function createTemplate(url: string, input: Record<string, unknown> = {}): Promise<string> {
  const now = Date.now();
  const data = await graphqlData(
    url,
    CREATE,
    {
      input: {
        name: 'Test coupon',
        kind: 'FIXED',
        value: 1_000,
        scope: 'ALL',
        validFrom: new Date(now - 60_000).toISOString(),
        validTo: new Date(now + 24 * 3600_000).toISOString(),
        ...input,
      },
    },
    admin(),
  );
  return data.createCouponTemplate.id;
}

export const CLAIM = `mutation ($t: ID!, $k: String!) { claimCoupon(templateId: $t, idempotencyKey: $k) {
  __typename ... on IssuedCoupon { id status expiresAt template { id } } ... on ErrorResult { code message } } }`;
export const REDEEM = `mutation ($c: String!) { redeemCouponCode(code: $c) {
  __typename ... on IssuedCoupon { id status template { id } } ... on ErrorResult { code message } } }`;
export const MY_COUPONS = `query ($s: IssuedCouponStatus) { myCoupons(status: $s) { id status expiresAt template { id } } }`;

import { Agent, request } from 'node:http';

// 5,000 simultaneous TCP connects overflow the listen backlog; a keep-alive pool of 256 sockets carries all
// 5,000 requests at once instead (the agent queues them), so the race is in the server, not in connect().
const pool = new Agent({ keepAlive: true, maxSockets: 256 });

/** POSTs a GraphQL operation over the shared keep-alive pool and returns `data`, failing on errors. */
export function pooledGraphqlData(url: string, query: string, variables: Record<string, unknown>, headers: Record<string, string>): Promise<any> {
  const body = JSON.stringify({ query, variables });
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', agent: pool, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => {
        const parsed = JSON.parse(text);
        if (parsed.errors?.length || !parsed.data) reject(new Error(text));
        else resolve(parsed.data);
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}
