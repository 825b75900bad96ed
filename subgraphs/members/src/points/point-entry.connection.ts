import { ConnectionType } from '@commerce/kit';
import { PointEntry } from './point-entry.entity.js';

export const PointEntryConnection = ConnectionType('PointEntry', PointEntry);
