import { OptionalProps } from '@mikro-orm/core';
import { Entity, Index, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import { uuidv7 } from '@commerce/kit';
import { Field, ID, ObjectType } from 'type-graphql';

@ObjectType({ description: 'Where a member has parcels delivered.' })
@Entity({ tableName: 'shipping_address' })
@Index({ properties: ['memberId'] })
export class ShippingAddress {
  [OptionalProps]?: 'createdAt' | 'isDefault' | 'line2' | 'country';

  @Field(() => ID, { description: 'Opaque address ID.' })
  @PrimaryKey({ type: 'uuid' })
  id: string = uuidv7();

  @Property({ type: 'uuid' })
  memberId!: string;

  @Field({ description: 'Who receives the parcel.' })
  @Property({ type: 'text' })
  recipientName!: string;

  @Field({ description: 'Phone number for the courier.' })
  @Property({ type: 'text' })
  phone!: string;

  @Field({ description: 'Postal code.' })
  @Property({ type: 'text' })
  postalCode!: string;

  @Field({ description: 'Street address.' })
  @Property({ type: 'text' })
  line1!: string;

  @Field(() => String, { nullable: true, description: 'Building, floor, unit.' })
  @Property({ type: 'text', nullable: true })
  line2: string | null = null;

  @Field({ description: 'City or province.' })
  @Property({ type: 'text' })
  city!: string;

  @Field({ description: 'ISO 3166-1 alpha-2 country code.' })
  @Property({ type: 'text', default: 'KR' })
  country: string = 'KR';

  @Field({ description: 'Whether checkout suggests this address first; at most one per member.' })
  @Property({ type: 'boolean', default: false })
  isDefault: boolean = false;

  @Field({ description: 'When the address was added.' })
  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Date = new Date();
}
