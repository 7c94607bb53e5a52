# syntax=docker/dockerfile:1
# The HBNB image: one image for every role (`hbnb serve`, `worker`, `beat`, `migrate`, ...), run as
# an unprivileged user. Build: `docker build -t hbnb .`; run: see compose.yaml and
# docs/operations.md ("Containers and services").
ARG NODE_IMAGE=node:24-bookworm-slim

# 1. Build the server (TypeScript) and the web client (Vite) with every dependency.
FROM ${NODE_IMAGE} AS build
WORKDIR /app
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
COPY server/package.json server/
COPY web/package.json web/
RUN npm ci --no-audit --no-fund --ignore-scripts
COPY . .
RUN npm rebuild better-sqlite3 && npm run build

# 2. The production dependencies of the server alone (no web build tools, no dev dependencies).
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
COPY server/package.json server/
COPY web/package.json web/
RUN npm ci --no-audit --no-fund --ignore-scripts --omit=dev --workspace server \
  && npm rebuild better-sqlite3 \
  && npm cache clean --force

# 3. The runtime: compiled server, built web client, production node_modules; no compiler, no npm cache.
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    HBNB_ENV=production \
    HBNB_HOST=0.0.0.0 \
    HBNB_PORT=8080 \
    HBNB_DATA_DIR=/var/lib/hbnb \
    HBNB_LOG_FORMAT=json
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/package.json ./
COPY --from=build /app/server/package.json ./server/
COPY --from=build /app/server/bin ./server/bin
COPY --from=build /app/server/dist ./server/dist
COPY --from=build /app/web/dist ./web/dist
COPY deploy/docker/healthcheck.mjs ./deploy/docker/
# The node image's unprivileged `node` user (uid 1000) owns only the data directory (and /app/public,
# where compose.yaml's web-assets service copies the web client for NGINX).
RUN mkdir -p /var/lib/hbnb /app/public && chown node:node /var/lib/hbnb /app/public
USER node
VOLUME ["/var/lib/hbnb"]
EXPOSE 8080
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "/app/deploy/docker/healthcheck.mjs"]
STOPSIGNAL SIGTERM
ENTRYPOINT ["node", "/app/server/bin/hbnb.js"]
CMD ["serve"]
