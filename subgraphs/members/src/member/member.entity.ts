import { OptionalProps } from '@mikro-orm/core';
import { Entity, PrimaryKey, Property, Unique } from '@mikro-orm/decorators/legacy';
import { uuidv7 } from '@commerce/kit';
import { Directive, Field, ID, ObjectType } from 'type-graphql';
import { Role } from './role.js';

@Directive('@key(fields: "id")')
@ObjectType({ description: 'A person with an account: a customer, a seller or an admin.' })
@Entity({ tableName: 'member' })
export class Member {
  [OptionalProps]?: 'emailVerified' | 'roles' | 'createdAt' | 'passwordHash';

  @Field(() => ID, { description: 'Opaque member ID.' })
  @PrimaryKey({ type: 'uuid' })
  id: string = uuidv7();

  /**
   * Stored lower-cased, so the unique constraint also holds regardless of letter case. Private: its GraphQL
   * field lives in MemberResolver, which shows it only to the member themself or an admin.
   */
  @Property({ type: 'text' })
  @Unique()
  email!: string;

  @Field({ description: 'Display name.' })
  @Property({ type: 'text' })
  name!: string;

  @Field({ description: 'Whether the member proved they own the email address (by the link in the verification mail).' })
  @Property({ type: 'boolean', default: false })
  emailVerified: boolean = false;

  @Field(() => [Role], { description: 'What the member may do.' })
  @Property({ type: 'text[]', defaultRaw: `'{CUSTOMER}'` })
  roles: Role[] = [Role.CUSTOMER];

  /** scrypt hash (see password-hasher.ts); null for an account that never set a password (it must reset one). */
  @Property({ type: 'text', nullable: true, lazy: true })
  passwordHash: string | null = null;

  @Field({ description: 'When the account was created.' })
  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Date = new Date();
}
