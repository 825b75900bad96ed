import { ConnectionType } from '@commerce/kit';
import { Store } from './store.entity.js';

export const StoreConnection = ConnectionType('Store', Store);
