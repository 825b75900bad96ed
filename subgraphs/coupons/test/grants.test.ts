import { createApp as createMembersApp } from '@commerce/members';
import type { SubgraphApp } from '@commerce/kit';
import { createTestEnvironment, freePort, graphqlData, type TestEnvironment } from '@commerce/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app.js';
import { admin, createTemplate } from './coupons-harness.js';

const MEMBERS = 10_000;
let membersEnv: TestEnvironment;
let membersApp: SubgraphApp | null = null;
let membersPort: number;
let couponsEnv: TestEnvironment;
let coupons: SubgraphApp | null = null;
let url: string;

async function startMembers() {
  membersApp = await createMembersApp({ ...membersEnv.config, PASSWORD_HASH_COST: 10 });
  await membersApp.listen(membersPort);
}

async function startCoupons() {
  coupons = await createApp({ ...couponsEnv.config, COUPON_GRANT_BATCH_SIZE: 200, COUPON_GRANT_POLL_MS: 50, COUPON_GRANT_MAX_ATTEMPTS: 2 });
  url = await coupons.listen(0);
}

beforeAll(async () => {
  membersEnv = await createTestEnvironment('grant-members');
  membersPort = await freePort();
  await startMembers();
  // 10,000 members at the partner domain and 1,000 elsewhere (a look-alike subdomain included).
  await membersApp!.orm.em.fork().execute(
    `insert into members.member (id, email, name)
     select gen_random_uuid(), 'student' || n || case when n <= ${MEMBERS} then '@uni.ac.kr' when n % 2 = 0 then '@mail.uni.ac.kr' else '@other.com' end, 'S'
     from generate_series(1, ${MEMBERS + 1_000}) as n`,
  );
  couponsEnv = await createTestEnvironment('grants', { MEMBERS_URL: `http://127.0.0.1:${membersPort}/graphql` } as never);
  await startCoupons();
}, 120_000);
afterAll(async () => {
  await coupons?.close();
  await membersApp?.close();
  await Promise.all([couponsEnv?.dispose(), membersEnv?.dispose()]);
});

const GRANT = `mutation ($t: ID!, $f: MemberFilterInput!) { grantCoupons(templateId: $t, memberFilter: $f) { id status processed total granted } }`;
const STATUS = `query ($id: ID!) { couponGrant(id: $id) { id status processed total granted lastError template { id } } }`;
const RESUME = `mutation ($id: ID!) { resumeCouponGrant(id: $id) { id status } }`;
const status = async (id: string) => (await graphqlData(url, STATUS, { id }, admin())).couponGrant;

async function waitFor(id: string, done: (grant: any) => boolean, seen: any[] = [], timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const grant = await status(id);
    seen.push(grant);
    if (done(grant)) return grant;
    if (Date.now() > deadline) throw new Error(`grant ${id} stuck at ${JSON.stringify(grant)}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function issuedFor(templateId: string) {
  const [row] = await coupons!.orm.em.fork().execute(
    `select count(*)::int as n, count(distinct member_id)::int as members from coupons.issued_coupon where template_id = ?`,
    [templateId],
  );
  return row;
}

describe('bulk grants', () => {
  it('grants 10,000 members by email domain, reports progress, and resumes after the process stops mid-way without double grants', { timeout: 120_000 }, async () => {
    const templateId = await createTemplate(url, { name: 'Partner university' });
    const started = (await graphqlData(url, GRANT, { t: templateId, f: { emailDomain: 'UNI.ac.kr' } }, admin())).grantCoupons;
    expect(started).toMatchObject({ status: 'RUNNING', processed: 0, granted: 0 });

    const seen: any[] = [];
    await waitFor(started.id, (grant) => grant.processed >= 2_000, seen);
    // The process goes away mid-grant (as in a deploy); its current batch commits, the rest waits.
    await coupons!.close();
    coupons = null;
    await startCoupons(); // same database, a new process
    const resumedFrom = await status(started.id);
    expect(resumedFrom.status).toBe('RUNNING');
    expect(resumedFrom.processed).toBeGreaterThanOrEqual(2_000);
    expect(resumedFrom.processed).toBeLessThan(MEMBERS);

    const finished = await waitFor(started.id, (grant) => grant.status === 'COMPLETED', seen);
    expect(finished).toMatchObject({ processed: MEMBERS, total: MEMBERS, granted: MEMBERS, lastError: null, template: { id: templateId } });
    // Progress was visible on the way: a total once collected, and a processed count that only grew.
    const processed = seen.map((grant) => grant.processed);
    expect(new Set(processed).size).toBeGreaterThan(3);
    expect(processed).toEqual([...processed].sort((a, b) => a - b));
    expect(await issuedFor(templateId)).toEqual({ n: MEMBERS, members: MEMBERS });

    // A second job over the same group skips everyone who already has the grant.
    const again = (await graphqlData(url, GRANT, { t: templateId, f: { emailDomain: 'uni.ac.kr' } }, admin())).grantCoupons;
    expect(await waitFor(again.id, (grant) => grant.status === 'COMPLETED')).toMatchObject({ processed: MEMBERS, granted: 0 });
    expect(await issuedFor(templateId)).toEqual({ n: MEMBERS, members: MEMBERS });
  });

  it('stops as FAILED while members is down and resumes to completion once it is back', { timeout: 120_000 }, async () => {
    const templateId = await createTemplate(url, { name: 'Outage' });
    await membersApp!.close();
    membersApp = null;
    const grant = (await graphqlData(url, GRANT, { t: templateId, f: { emailDomain: 'uni.ac.kr' } }, admin())).grantCoupons;
    const failed = await waitFor(grant.id, (current) => current.status === 'FAILED');
    expect(failed.lastError).toBeTruthy();
    expect(failed.processed).toBe(0);

    await startMembers();
    expect((await graphqlData(url, RESUME, { id: grant.id }, admin())).resumeCouponGrant.status).toBe('RUNNING');
    expect(await waitFor(grant.id, (current) => current.status === 'COMPLETED')).toMatchObject({ processed: MEMBERS, granted: MEMBERS, lastError: null });
    expect(await issuedFor(templateId)).toEqual({ n: MEMBERS, members: MEMBERS });
  });

  it('grants an explicit list of member IDs, counting each member once', async () => {
    const templateId = await createTemplate(url, { name: 'Listed' });
    const ids = Array.from({ length: 3 }, () => crypto.randomUUID());
    const grant = (await graphqlData(url, GRANT, { t: templateId, f: { memberIds: [...ids, ids[0]!.toUpperCase()] } }, admin())).grantCoupons;
    expect(grant.total).toBe(3);
    expect(await waitFor(grant.id, (current) => current.status === 'COMPLETED')).toMatchObject({ processed: 3, granted: 3 });
  });
});
