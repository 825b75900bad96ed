import { Directive, Field, ID, ObjectType } from 'type-graphql';

/** Catalog owns Product; members only hands out its key so the gateway fetches the rest there. */
@Directive('@key(fields: "id", resolvable: false)')
@ObjectType('Product', { description: 'Something a store sells, offered in one or more variants (sizes, colours…).' })
export class ProductStub {
  @Field(() => ID, { description: 'Opaque product ID.' })
  id!: string;
}

export const productStub = (id: string): ProductStub => ({ id });
