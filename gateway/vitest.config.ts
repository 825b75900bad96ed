import { vitestConfig } from '@commerce/testkit/vitest-config';

export default vitestConfig();
