import { OptionalProps } from '@mikro-orm/core';
import { Check, Entity, Enum, Index, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import { uuidv7 } from '@commerce/kit';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { CouponGrantStatus } from './coupon-grant-status.js';

/**
 * A bulk grant job. It first freezes its targets into coupon_grant_target (`collected`), then grants in
 * member-id order; the cursors and counters move in the same transaction as each batch's coupons, so a
 * job resumed after any interruption continues exactly where the last committed batch ended.
 */
@ObjectType({ description: 'A bulk grant of one coupon template to a group of members, run in the background.' })
@Entity({ tableName: 'coupon_grant' })
@Index({ name: 'coupon_grant_status_idx', properties: ['status', 'leaseUntil'] })
@Check({ name: 'coupon_grant_progress_check', expression: '((granted >= 0) AND (granted <= processed))' })
@Check({ name: 'coupon_grant_total_check', expression: 'processed <= total' })
export class CouponGrant {
  [OptionalProps]?:
    | 'emailDomain' | 'status' | 'collected' | 'collectCursor' | 'grantCursor' | 'total' | 'processed' | 'granted'
    | 'failedAttempts' | 'lastError' | 'leaseOwner' | 'leaseUntil' | 'requestedBy' | 'createdAt' | 'updatedAt';

  @Field(() => ID, { description: 'Opaque grant job ID.' })
  @PrimaryKey({ type: 'uuid' })
  id: string = uuidv7();

  @Property({ type: 'uuid' })
  templateId!: string;

  /** For a domain filter; null when the admin listed member IDs. */
  @Property({ type: 'text', nullable: true })
  emailDomain: string | null = null;

  @Field(() => CouponGrantStatus, { description: 'Where the job stands.' })
  @Enum({ items: () => CouponGrantStatus, type: 'text' })
  status: CouponGrantStatus = CouponGrantStatus.RUNNING;

  @Property({ type: 'boolean', default: false })
  collected: boolean = false;

  @Property({ type: 'uuid', nullable: true })
  collectCursor: string | null = null;

  @Property({ type: 'uuid', nullable: true })
  grantCursor: string | null = null;

  @Field(() => Int, { nullable: true, description: 'How many members the job targets; null while it is still collecting them.' })
  @Property({ type: 'integer', nullable: true })
  total: number | null = null;

  @Field(() => Int, { description: 'How many targeted members have been handled.' })
  @Property({ type: 'integer', default: 0 })
  processed: number = 0;

  @Field(() => Int, { description: 'How many coupons the job issued (members who already had one from a grant are skipped).' })
  @Property({ type: 'integer', default: 0 })
  granted: number = 0;

  @Property({ type: 'integer', default: 0 })
  failedAttempts: number = 0;

  @Field(() => String, { nullable: true, description: 'The last error a batch hit; null when the last batch went through.' })
  @Property({ type: 'text', nullable: true })
  lastError: string | null = null;

  @Property({ type: 'text', nullable: true })
  leaseOwner: string | null = null;

  @Property({ type: 'timestamptz', nullable: true })
  leaseUntil: Date | null = null;

  @Property({ type: 'uuid', nullable: true })
  requestedBy: string | null = null;

  @Field({ description: 'When the job was requested.' })
  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Date = new Date();

  @Field({ description: 'When the job last moved.' })
  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  updatedAt: Date = new Date();
}

/** One frozen target of a grant job. */
@Entity({ tableName: 'coupon_grant_target' })
export class CouponGrantTarget {
  @PrimaryKey({ type: 'uuid' })
  grantId!: string;

  @PrimaryKey({ type: 'uuid' })
  memberId!: string;
}
