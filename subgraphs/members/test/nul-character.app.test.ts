import { demoId, NUL_CHARACTER_MESSAGE } from '@commerce/kit';
import { BATCH_HEADER, type BatchedAnswer, BatchFrameReader, encodeBatchRequest } from '@commerce/kit/http';
import { asMember, type GraphQLResponse, graphqlData, graphqlRequest, type RunningSubgraph, startTestSubgraph } from '@commerce/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app.js';
import { ShippingAddress } from '../src/address/shipping-address.entity.js';
import { Member } from '../src/member/member.entity.js';

let subgraph: RunningSubgraph;
const ALICE = demoId('member:alice');
const asAlice = asMember(ALICE);

beforeAll(async () => {
  subgraph = await startTestSubgraph((config) => createApp({ ...config, PASSWORD_HASH_COST: 10 }), 'members-nul', { SEED_DEMO: true });
});
afterAll(() => subgraph?.close());

const UPDATE_NAME = 'mutation UpdateName($input: UpdateProfileInput!) { updateProfile(input: $input) { name } }';
const ADD_ADDRESS = 'mutation AddAddress($input: ShippingAddressInput!) { addShippingAddress(input: $input) { id } }';
const address = (line2: string) => ({ recipientName: 'Alice Kim', phone: '010-1234-5678', postalCode: '04524', line1: '1 Sejong-daero', line2, city: 'Seoul' });

/** Alice's row and her addresses, read from the database: what a refused operation must leave as it was. */
async function aliceAsStored() {
  const em = subgraph.app.orm.em.fork();
  const member = await em.findOneOrFail(Member, { id: ALICE });
  return { name: member.name, addresses: await em.count(ShippingAddress, { memberId: ALICE }) };
}

function expectRefused(response: Pick<GraphQLResponse, 'status' | 'data' | 'errors'>) {
  expect(response.status).toBe(400);
  expect(response.data).toBeUndefined();
  expect(response.errors).toEqual([{ message: NUL_CHARACTER_MESSAGE, extensions: { code: 'BAD_USER_INPUT' } }]);
}

/** Calls sent as the gateway sends them, in one batch: a text Apollo Server has validated once is then served directly. */
async function batch(calls: { query: string; variables?: Record<string, unknown> }[]): Promise<BatchedAnswer[]> {
  const headers = { 'content-type': 'application/json', accept: 'application/json', ...asAlice };
  const response = await fetch(subgraph.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', [BATCH_HEADER]: String(calls.length) },
    body: encodeBatchRequest(calls.map((body) => ({ headers, body: JSON.stringify(body) }))),
  });
  const answers: BatchedAnswer[] = [];
  expect(new BatchFrameReader((index, answer) => (answers[index] = answer)).push(await response.text())).toBe(true);
  return answers;
}

async function directCalls(): Promise<number> {
  const metric = await subgraph.app.metrics.registry.getSingleMetric('graphql_direct_calls_total')!.get();
  return metric.values[0]?.value ?? 0;
}

describe('text with the NUL character (U+0000), which PostgreSQL cannot store', () => {
  it('in a variable, at any depth, is refused 400 BAD_USER_INPUT and nothing is written', async () => {
    const before = await aliceAsStored();
    expectRefused(await graphqlRequest(subgraph.url, UPDATE_NAME, { input: { name: 'Al\u0000ice' } }, asAlice));
    expectRefused(await graphqlRequest(subgraph.url, ADD_ADDRESS, { input: address('Unit\u00007') }, asAlice));
    // Anonymous operations too: the email is looked up before anything else.
    expectRefused(await graphqlRequest(subgraph.url, 'mutation ($email: String!) { requestPasswordReset(email: $email) }', { email: 'alice\u0000@demo.commerce' }));
    expect(await aliceAsStored()).toEqual(before);
  });

  it('in an inline string literal, quoted or block, is refused the same way', async () => {
    const before = await aliceAsStored();
    expectRefused(await graphqlRequest(subgraph.url, 'mutation { updateProfile(input: { name: "Al\\u0000ice" }) { name } }', {}, asAlice));
    expectRefused(await graphqlRequest(subgraph.url, 'mutation { updateProfile(input: { name: """Al\u0000ice""" }) { name } }', {}, asAlice));
    expect(await aliceAsStored()).toEqual(before);
  });

  it("is refused on the direct path too, for an operation text it serves without Apollo Server's pipeline", async () => {
    const before = await aliceAsStored();
    const clean = { query: UPDATE_NAME, variables: { input: { name: before.name } } };
    const literal = { query: 'mutation { updateProfile(input: { name: "Al\\u0000ice" }) { name } }' };
    // The first pass validates the texts (the literal's is refused, by Apollo Server); the second is served directly.
    await batch([clean, literal]);
    const served = await directCalls();
    expect((await batch([clean]))[0]!.status).toBe(200);
    expect(await directCalls()).toBe(served + 1);

    const answers = await batch([{ query: UPDATE_NAME, variables: { input: { name: 'Al\u0000ice' } } }, literal]);
    for (const answer of answers) expectRefused({ status: answer.status, ...JSON.parse(answer.text) });
    expect(await directCalls()).toBe(served + 1);
    expect(await aliceAsStored()).toEqual(before);
  });

  it('leaves every other text alone', async () => {
    const data = await graphqlData(subgraph.url, UPDATE_NAME, { input: { name: 'Alice \\u0000 Kim' } }, asAlice);
    expect(data.updateProfile.name).toBe('Alice \\u0000 Kim');
  });
});
