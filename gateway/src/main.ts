import { exitGracefullyOnSignals } from '@commerce/kit/http';
import { createGatewayApp } from './app.js';
import { readGatewayConfig } from './config.js';

const config = readGatewayConfig();
const app = await createGatewayApp(config);
const url = await app.listen(config.PORT, config.HOST);
app.logger.info({ url, metricsUrl: app.metricsUrl }, `gateway ready at ${url}`);
exitGracefullyOnSignals(() => app.close(), app.logger);
