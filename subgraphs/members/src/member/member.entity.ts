import { OptionalProps } from '@mikro-orm/core';
import { Entity, PrimaryKey, Property, Unique } from '@mikro-orm/decorators/legacy';
import { uuidv7 } from '@commerce/kit';
import { Directive, Field, ID, ObjectType } from 'type-graphql';
import { Role } from './role.js';

@Directive('@key(fields: "id")')
@ObjectType({ description: 'A person with an account: a customer, a seller or an admin.' })
@Entity({ tableName: 'member' })
export class Member {
  [OptionalProps]?: 'emailVerified' | 'roles' | 'createdAt';

  @Field(() => ID, { description: 'Opaque member ID.' })
  @PrimaryKey({ type: 'uuid' })
  id: string = uuidv7();

  /** Stored lower-cased, so the unique constraint also holds regardless of letter case. */
  @Field({ description: 'Login email.' })
  @Property({ type: 'text' })
  @Unique()
  email!: string;

  @Field({ description: 'Display name.' })
  @Property({ type: 'text' })
  name!: string;

  @Field({ description: 'Whether the member proved they own the email address.' })
  @Property({ type: 'boolean', default: false })
  emailVerified: boolean = false;

  @Field(() => [Role], { description: 'What the member may do.' })
  @Property({ type: 'text[]', defaultRaw: `'{CUSTOMER}'` })
  roles: Role[] = [Role.CUSTOMER];

  @Field({ description: 'When the account was created.' })
  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Date = new Date();
}
