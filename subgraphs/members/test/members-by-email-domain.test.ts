import { uuidv7 } from '@commerce/kit';
import { asMember, asService } from '@commerce/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphqlData, graphqlRequest, type MembersUnderTest, signUp, startMembers } from './members-harness.js';

let members: MembersUnderTest;
const QUERY = `query ($d: String!, $a: ID, $f: Int!) { membersByEmailDomain(domain: $d, after: $a, first: $f) }`;
const expected: string[] = [];

beforeAll(async () => {
  members = await startMembers('bydomain');
  const em = members.app.orm.em.fork();
  // 25 at the domain, interleaved with look-alikes that must not match.
  for (let i = 0; i < 25; i++) {
    const id = uuidv7();
    expected.push(id);
    await em.execute(`insert into members.member (id, email, name) values (?, ?, 'U'), (?, ?, 'X'), (?, ?, 'Y')`, [
      id, `student${i}@uni.ac.kr`,
      uuidv7(), `student${i}@mail.uni.ac.kr`,
      uuidv7(), `uni.ac.kr${i}@other.com`,
    ]);
  }
  // Emails are stored lower-cased: a sign-up in capitals matches too.
  const signed = await signUp(members.url, 'Capital@UNI.AC.KR');
  expected.push(signed.id);
  expected.sort();
});
afterAll(() => members?.close());

describe('membersByEmailDomain (internal)', () => {
  it('pages by id through exactly the members at the domain', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    for (;;) {
      const page: string[] = (await graphqlData(members.url, QUERY, { d: 'UNI.ac.kr', a: after, f: 7 }, asService('coupons'))).membersByEmailDomain;
      seen.push(...page);
      if (page.length < 7) break;
      after = page[page.length - 1]!;
    }
    expect(seen).toEqual(expected);
  });

  it('answers an empty page past the end and for an unknown domain', async () => {
    expect((await graphqlData(members.url, QUERY, { d: 'uni.ac.kr', a: expected.at(-1), f: 10 }, asService('coupons'))).membersByEmailDomain).toEqual([]);
    expect((await graphqlData(members.url, QUERY, { d: 'nowhere.example', f: 10 }, asService('coupons'))).membersByEmailDomain).toEqual([]);
  });

  it.each([
    ['a malformed domain', { d: "x' or 1=1", f: 10 }, 'domain'],
    ['first of 0', { d: 'uni.ac.kr', f: 0 }, 'first'],
    ['first above 1,000', { d: 'uni.ac.kr', f: 1_001 }, 'first'],
    ['a malformed cursor', { d: 'uni.ac.kr', a: 'nope', f: 10 }, 'after'],
  ])('rejects %s', async (_label, variables, field) => {
    const response = await graphqlRequest(members.url, QUERY, variables, asService('coupons'));
    expect(response.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
  });

  it('is for services only', async () => {
    const asAdmin = await graphqlRequest(members.url, QUERY, { d: 'uni.ac.kr', f: 10 }, asMember(uuidv7(), ['ADMIN']));
    expect(asAdmin.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const anonymous = await graphqlRequest(members.url, QUERY, { d: 'uni.ac.kr', f: 10 });
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('is hidden from the supergraph', async () => {
    const { sdl } = (await graphqlData(members.url, '{ _service { sdl } }'))._service;
    expect(sdl).toMatch(/membersByEmailDomain\([^)]*\): \[ID!\]! @authorized|membersByEmailDomain\([\s\S]*?\): \[ID!\]!\s*@inaccessible/);
  });
});
