import { demoId, encodeCursor, schemaDiffSql, uuidv7 } from '@commerce/kit';
import { graphqlData, graphqlRequest, type RunningSubgraph, startTestSubgraph } from '@commerce/testkit';
import { isTypeDefinitionNode, parse } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app.js';

let subgraph: RunningSubgraph;

beforeAll(async () => {
  subgraph = await startTestSubgraph(createApp, 'coupons', { SEED_DEMO: true });
});
afterAll(() => subgraph?.close());

const welcome = demoId('coupon:welcome');
const tenPercent = demoId('coupon:ten-percent');
const unknownId = '00000000-0000-7000-8000-000000000000';

const TEMPLATE_FIELDS = `id name kind value maxDiscount { amount currency } minOrderAmount { amount currency }
  scope scopeIds validFrom validTo totalLimit perMemberLimit`;

const YEAR_MS = 365 * 24 * 60 * 60 * 1000;

describe('couponTemplate', () => {
  it('returns a seeded template with its money as integer minor units', async () => {
    const data = await graphqlData(subgraph.url, `query ($id: ID!) { couponTemplate(id: $id) { ${TEMPLATE_FIELDS} } }`, {
      id: welcome,
    });
    const template = data.couponTemplate;
    expect(template).toMatchObject({
      id: welcome,
      name: 'Welcome 3,000 won off',
      kind: 'FIXED',
      value: 3_000,
      maxDiscount: null,
      minOrderAmount: { amount: 20_000, currency: 'KRW' },
      scope: 'ALL',
      scopeIds: [],
      totalLimit: 1_000,
      perMemberLimit: 1,
    });
    const validFor = Date.parse(template.validTo) - Date.parse(template.validFrom);
    expect(validFor).toBeGreaterThanOrEqual(YEAR_MS);
    expect(validFor).toBeLessThanOrEqual(YEAR_MS + 24 * 60 * 60 * 1000);
    expect(Math.abs(Date.parse(template.validFrom) - Date.now())).toBeLessThan(5 * 60 * 1000);
  });

  it('caps a PERCENT template with maxDiscount and accepts an upper-case ID', async () => {
    const data = await graphqlData(subgraph.url, `query ($id: ID!) { couponTemplate(id: $id) { ${TEMPLATE_FIELDS} } }`, {
      id: tenPercent.toUpperCase(),
    });
    expect(data.couponTemplate).toMatchObject({
      id: tenPercent,
      kind: 'PERCENT',
      value: 10,
      maxDiscount: { amount: 5_000, currency: 'KRW' },
      minOrderAmount: { amount: 0, currency: 'KRW' },
      totalLimit: null,
    });
  });

  it('answers NOT_FOUND for an unknown ID and BAD_USER_INPUT for a malformed one', async () => {
    const query = 'query ($id: ID!) { couponTemplate(id: $id) { id } }';
    const missing = await graphqlRequest(subgraph.url, query, { id: unknownId });
    expect(missing.data).toBeNull();
    expect(missing.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const malformed = await graphqlRequest(subgraph.url, query, { id: 'not-a-uuid' });
    expect(malformed.data).toBeNull();
    expect(malformed.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'id' });
  });

  it('keeps the redemption code out of the public type', async () => {
    const response = await graphqlRequest(subgraph.url, 'query ($id: ID!) { couponTemplate(id: $id) { code } }', {
      id: welcome,
    });
    expect(response.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });
});

describe('couponTemplates', () => {
  const PAGE = `query ($first: Int, $after: String) {
    couponTemplates(first: $first, after: $after) {
      edges { cursor node { id } }
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    }
  }`;

  it('pages through every template in ID order', async () => {
    const first = (await graphqlData(subgraph.url, PAGE, { first: 1 })).couponTemplates;
    expect(first.edges).toHaveLength(1);
    expect(first.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
    expect(first.pageInfo.endCursor).toBe(first.edges[0].cursor);

    const second = (await graphqlData(subgraph.url, PAGE, { first: 1, after: first.pageInfo.endCursor })).couponTemplates;
    expect(second.edges).toHaveLength(1);
    expect(second.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });

    const walked = [first.edges[0].node.id, second.edges[0].node.id];
    expect(walked).toEqual([welcome, tenPercent].sort());

    const all = (await graphqlData(subgraph.url, PAGE, {})).couponTemplates;
    expect(all.edges.map((edge: { node: { id: string } }) => edge.node.id)).toEqual(walked);
    expect(all.pageInfo.hasNextPage).toBe(false);
  });

  it.each([
    ['first below 1', { first: 0 }, 'first'],
    ['first above 100', { first: 101 }, 'first'],
    ['a cursor it did not issue', { after: 'bm9wZQ' }, 'after'],
    ['a cursor around a non-UUID key', { after: encodeCursor('nope') }, 'after'],
  ])('rejects %s with BAD_USER_INPUT', async (_label, variables, field) => {
    const response = await graphqlRequest(subgraph.url, PAGE, variables);
    expect(response.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
  });
});

describe('federation', () => {
  it('resolves CouponTemplate entities by reference, with null for unknown or malformed ids', async () => {
    const response = await graphqlRequest(
      subgraph.url,
      `query ($reps: [_Any!]!) { _entities(representations: $reps) { ... on CouponTemplate { id name value } } }`,
      { reps: [welcome, unknownId, tenPercent, 'garbage'].map((id) => ({ __typename: 'CouponTemplate', id })) },
    );
    expect(response.errors).toBeUndefined();
    expect(response.data._entities).toEqual([
      { id: welcome, name: 'Welcome 3,000 won off', value: 3_000 },
      null,
      { id: tenPercent, name: '10% off, up to 5,000 won', value: 10 },
      null,
    ]);
  });

  it('publishes CouponTemplate as an entity', async () => {
    const response = await graphqlRequest(subgraph.url, '{ _service { sdl } }');
    expect(response.data._service.sdl).toMatch(/type CouponTemplate\s+@key\(fields: "id"\)/);
  });

  it('describes every type, field, argument and enum value it defines', async () => {
    const { sdl } = (await graphqlData(subgraph.url, '{ _service { sdl } }'))._service;
    // Federation's own definitions and the root type are printed too; they are not this subgraph's to describe.
    const federation = /^(_|link__|federation__)/;
    const undescribed: string[] = [];
    for (const definition of parse(sdl).definitions) {
      if (!isTypeDefinitionNode(definition)) continue;
      const typeName = definition.name.value;
      if (federation.test(typeName)) continue;
      if (!definition.description && !['Query', 'Mutation'].includes(typeName)) undescribed.push(typeName);
      const members = 'fields' in definition ? definition.fields : 'values' in definition ? definition.values : [];
      for (const member of members ?? []) {
        if (member.name.value.startsWith('_')) continue;
        if (!member.description) undescribed.push(`${typeName}.${member.name.value}`);
        for (const arg of 'arguments' in member ? (member.arguments ?? []) : []) {
          if (!arg.description) undescribed.push(`${typeName}.${member.name.value}(${arg.name.value})`);
        }
      }
    }
    expect(undescribed).toEqual([]);
  });
});

describe('database', () => {
  const insertTemplate = (overrides: Record<string, unknown>) => {
    const row: Record<string, unknown> = {
      id: uuidv7(),
      name: 'Test coupon',
      kind: 'FIXED',
      value: 1_000,
      max_discount_amount: null,
      min_order_amount: 0,
      currency: 'KRW',
      scope: 'ALL',
      scope_ids: '{}',
      valid_from: new Date('2030-01-01T00:00:00Z'),
      valid_to: new Date('2030-02-01T00:00:00Z'),
      total_limit: null,
      per_member_limit: 1,
      code: null,
      ...overrides,
    };
    const columns = Object.keys(row);
    return subgraph.app.orm.em
      .getConnection()
      .execute(
        `insert into "coupons"."coupon_template" (${columns.map((column) => `"${column}"`).join(', ')})
         values (${columns.map(() => '?').join(', ')})`,
        Object.values(row),
        'run',
      );
  };

  it('accepts a valid row, so the refusals below are the constraints at work', async () => {
    const id = uuidv7();
    await insertTemplate({ id, kind: 'PERCENT', value: 100, code: 'SPRING', scope: 'STORE', scope_ids: `{${uuidv7()}}` });
    await subgraph.app.orm.em.getConnection().execute('delete from "coupons"."coupon_template" where id = ?', [id], 'run');
  });

  it.each([
    ['a PERCENT value of 150', { kind: 'PERCENT', value: 150 }, 'coupon_template_value_check'],
    ['a FIXED value of 0', { value: 0 }, 'coupon_template_value_check'],
    ['an unknown kind', { kind: 'BOGO' }, 'coupon_template_kind_check'],
    ['a code differing only in case from WELCOME', { code: 'welcome' }, 'coupon_template_code_check'],
    ['a duplicate code', { code: 'WELCOME' }, 'coupon_template_code_unique'],
    ['validTo before validFrom', { valid_to: new Date('2029-12-31T00:00:00Z') }, 'coupon_template_valid_to_check'],
    ['a total limit of 0', { total_limit: 0 }, 'coupon_template_total_limit_check'],
    ['a per-member limit of 0', { per_member_limit: 0 }, 'coupon_template_per_member_limit_check'],
    ['a max discount of 0', { max_discount_amount: 0 }, 'coupon_template_max_discount_amount_check'],
    ['a negative minimum order', { min_order_amount: -1 }, 'coupon_template_min_order_amount_check'],
    ['a lower-case currency', { currency: 'krw' }, 'coupon_template_currency_check'],
    ['scope ALL naming ids', { scope_ids: `{${uuidv7()}}` }, 'coupon_template_scope_ids_check'],
    ['scope STORE naming none', { scope: 'STORE' }, 'coupon_template_scope_ids_check'],
    ['an unknown scope', { scope: 'BRAND' }, 'coupon_template_scope_check'],
  ])('refuses %s', async (_label, overrides, constraint) => {
    await expect(insertTemplate(overrides)).rejects.toThrow(new RegExp(`"${constraint}"`));
  });

  // The schema diff compares array columns without their element type, so this guards uuid[] instead.
  it('stores scope ids as UUIDs', async () => {
    await expect(insertTemplate({ scope: 'STORE', scope_ids: '{not-a-uuid}' })).rejects.toThrow(/type uuid/);
  });

  it('keeps its committed migrations in step with its entities', async () => {
    expect(await schemaDiffSql(subgraph.app.orm)).toBe('');
  });
});

describe('demo seed', () => {
  it('gives every demo member AVAILABLE welcome coupons, but the one the demo order used, and seeding again adds nothing', async () => {
    const { demoMembers, demoOrder } = await import('@commerce/demo-data');
    const { asMember } = await import('@commerce/testkit');
    const [alice, bob] = [demoId('member:alice'), demoId('member:bob')];
    const coupons = async (member: string, status: string) =>
      (await graphqlData(subgraph.url, 'query ($s: IssuedCouponStatus) { myCoupons(status: $s) { template { id } } }', { s: status }, asMember(member))).myCoupons
        .map((coupon: { template: { id: string } }) => coupon.template.id)
        .sort();
    expect(await coupons(bob, 'AVAILABLE')).toEqual([welcome, tenPercent].sort());
    expect(demoOrder.buyer).toBe('member:alice');
    expect(await coupons(alice, 'AVAILABLE')).toEqual([tenPercent]);
    expect(await coupons(alice, 'USED')).toEqual([welcome]);
    const [used] = await subgraph.app.orm.em.fork().execute(`select "order_key", "discount_amount" from coupons.issued_coupon where "member_id" = ? and "status" = 'USED'`, [alice]);
    expect(used).toMatchObject({ order_key: demoId(demoOrder.key), discount_amount: 3_000 });
    const { couponsSubgraph } = await import('../src/app.js');
    expect(await couponsSubgraph.seedDemo!(subgraph.app.orm.em.fork())).toBe(false);
    const [row] = await subgraph.app.orm.em.fork().execute('select count(*)::int as n from coupons.issued_coupon');
    expect(row?.n).toBe(demoMembers.length * 2);
  });
});
