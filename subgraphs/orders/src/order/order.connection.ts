import { ConnectionType } from '@commerce/kit';
import { Order } from './order.entity.js';

export const OrderConnection = ConnectionType('Order', Order);
