import { exitGracefullyOnSignals } from '@commerce/kit';
import { createApp } from './app.js';
import { readConfig } from './config.js';

const config = readConfig();
const app = await createApp(config);
const url = await app.listen(config.PORT, config.HOST);
app.logger.info({ url, metricsUrl: app.metricsUrl }, `members subgraph ready at ${url}`);
exitGracefullyOnSignals(() => app.close(), app.logger);
