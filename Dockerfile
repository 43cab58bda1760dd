# graphnode-worker: multi-stage build, runs as non-root, with a healthcheck on the worker's /healthz.
# syntax=docker/dockerfile:1

FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
RUN npm ci
COPY tsconfig.json ./
COPY src ./src
COPY test ./test
COPY bench ./bench
RUN npm run build && npm prune --omit=dev
# The search model (README "Search index"), baked in at build time so no task ever downloads: the same code
# as `npm run models:fetch`, into /app/models/<id>/. Needs the hub (or SEARCH_MODEL_HUB_URL) reachable here;
# SEARCH_EMBEDDING_MODEL=none skips it.
ARG SEARCH_EMBEDDING_MODEL=Xenova/paraphrase-multilingual-MiniLM-L12-v2
ARG SEARCH_EMBEDDING_DTYPE=
ARG SEARCH_MODEL_HUB_URL=
RUN mkdir -p models && SEARCH_EMBEDDING_MODEL="$SEARCH_EMBEDDING_MODEL" SEARCH_EMBEDDING_DTYPE="$SEARCH_EMBEDDING_DTYPE" \
  SEARCH_MODEL_HUB_URL="$SEARCH_MODEL_HUB_URL" node dist/src/ai/embeddings/search/fetchModel.js

FROM node:20-bookworm-slim AS runtime
# python3-minimal only so the backend's existing docker-compose healthcheck
# (`python3 -c 'import os; exit(0)'`, contract §6 "Healthcheck trap") passes without editing that file.
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3-minimal tini \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /app
ENV NODE_ENV=production HTTP_PORT=9464
COPY --from=build --chown=node:node /app/package.json ./
COPY --from=build --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/dist/src ./dist/src
COPY --from=build --chown=node:node /app/models ./models
USER node
EXPOSE 9464
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.HTTP_PORT||9464)+'/healthz').then(r=>process.exit(r.ok?0:1)).catch(()=>process.exit(1))"
# tini forwards SIGTERM to node, which drains: stop receiving, finish or release tasks, exit 0.
ENTRYPOINT ["/usr/bin/tini", "--", "node", "dist/src/cli.js"]
CMD ["worker"]
