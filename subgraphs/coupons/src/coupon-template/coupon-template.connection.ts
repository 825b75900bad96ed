import { ConnectionType } from '@commerce/kit';
import { CouponTemplate } from './coupon-template.entity.js';

export const CouponTemplateConnection = ConnectionType('CouponTemplate', CouponTemplate);
