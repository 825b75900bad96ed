# One image for the gateway and every subgraph; docker-compose.yml picks the service with its working dir.
FROM node:22-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
COPY packages/kit/package.json packages/kit/
COPY packages/testkit/package.json packages/testkit/
COPY packages/demo-data/package.json packages/demo-data/
COPY subgraphs/members/package.json subgraphs/members/
COPY subgraphs/catalog/package.json subgraphs/catalog/
COPY subgraphs/inventory/package.json subgraphs/inventory/
COPY subgraphs/orders/package.json subgraphs/orders/
COPY subgraphs/coupons/package.json subgraphs/coupons/
COPY gateway/package.json gateway/
COPY schema/package.json schema/
# Dev dependencies included: the services run TypeScript through @swc-node/register.
RUN npm ci --include=dev --no-audit --no-fund
COPY . .
USER node
CMD ["node", "--experimental-async-context-frame", "--max-semi-space-size=64", "--import", "@swc-node/register/esm-register", "src/main.ts"]
