import { ConnectionType } from '@commerce/kit';
import { Product } from './product.entity.js';

export const ProductConnection = ConnectionType('Product', Product);
