import { OptionalProps } from '@mikro-orm/core';
import { Entity, Index, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import { uuidv7 } from '@commerce/kit';
import { Field, ID, ObjectType } from 'type-graphql';

/**
 * One logged-in device: a family of refresh tokens that replace each other. Ending it (log-out, reuse of a
 * spent refresh token, password change) also deletes its Redis liveness key, which the gateway checks on
 * every request, so its access tokens stop working at once.
 */
@ObjectType({ description: 'A device where the member is logged in.' })
@Entity({ tableName: 'device_session' })
@Index({ properties: ['memberId'] })
export class DeviceSession {
  [OptionalProps]?: 'createdAt' | 'lastUsedAt' | 'endedAt' | 'endReason' | 'userAgent' | 'clientAddress';

  @Field(() => ID, { description: 'Session ID (the `sid` claim of its access tokens).' })
  @PrimaryKey({ type: 'uuid' })
  id: string = uuidv7();

  @Property({ type: 'uuid' })
  memberId!: string;

  @Field({ description: 'When the member logged in on this device.' })
  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Date = new Date();

  @Field({ description: 'When the device last refreshed its tokens.' })
  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  lastUsedAt: Date = new Date();

  @Property({ type: 'timestamptz', nullable: true })
  endedAt: Date | null = null;

  /** LOG_OUT, LOG_OUT_EVERYWHERE, REVOKED, TOKEN_REUSE, PASSWORD_CHANGE, PASSWORD_RESET. */
  @Property({ type: 'text', nullable: true })
  endReason: string | null = null;

  @Field(() => String, { nullable: true, description: 'The browser or app that logged in, as it described itself.' })
  @Property({ type: 'text', nullable: true })
  userAgent: string | null = null;

  @Field(() => String, { nullable: true, description: 'The network address the login came from.' })
  @Property({ type: 'text', nullable: true })
  clientAddress: string | null = null;
}
