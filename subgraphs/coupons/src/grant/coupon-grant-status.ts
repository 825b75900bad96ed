import { registerEnumType } from 'type-graphql';

export enum CouponGrantStatus {
  RUNNING = 'RUNNING',
  PAUSED = 'PAUSED',
  COMPLETED = 'COMPLETED',
  FAILED = 'FAILED',
}

registerEnumType(CouponGrantStatus, {
  name: 'CouponGrantStatus',
  description: 'Where a bulk grant job stands.',
  valuesConfig: {
    RUNNING: { description: 'Collecting its members or granting; a replica works on it in batches.' },
    PAUSED: { description: 'Stopped by an admin; resumeCouponGrant continues where it stopped.' },
    COMPLETED: { description: 'Every targeted member was handled.' },
    FAILED: { description: 'Stopped after repeated errors (see lastError); resumeCouponGrant continues where it stopped.' },
  },
});
