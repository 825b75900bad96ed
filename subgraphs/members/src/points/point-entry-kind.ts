import { registerEnumType } from 'type-graphql';

export enum PointEntryKind {
  CHARGE = 'CHARGE',
  SPEND = 'SPEND',
  REFUND = 'REFUND',
  RESERVE = 'RESERVE',
  CONFIRM = 'CONFIRM',
  RELEASE = 'RELEASE',
}

registerEnumType(PointEntryKind, {
  name: 'PointEntryKind',
  description: 'Why the point balance changed.',
  valuesConfig: {
    CHARGE: { description: 'A top-up (paid).' },
    SPEND: { description: 'Points spent.' },
    REFUND: { description: 'Spent points given back.' },
    RESERVE: { description: 'Points held for an order being placed.' },
    CONFIRM: { description: 'The held points were used by the order (no balance change).' },
    RELEASE: { description: 'The held points came back because the order did not go through.' },
  },
});
