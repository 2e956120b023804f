# Switchboard: multi-stage image. Build once with every dependency; run with production
# dependencies only, as an unprivileged user, with the SQLite file on a volume. `npm start`
# migrates the database (and seeds an empty one) before it serves, so migrations run on start.
#
# Not Next.js's `output: 'standalone'`: the production server is scripts/server.mjs (request ids
# and the JSON request log around Next.js), which needs Next's programmatic server.

FROM node:20-bookworm-slim AS deps
WORKDIR /app
# better-sqlite3 and argon2 build from source when no prebuilt binary fits.
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund

FROM deps AS build
COPY . .
ENV NEXT_TELEMETRY_DISABLED=1
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

FROM node:20-bookworm-slim AS run
ENV NODE_ENV=production \
    NEXT_TELEMETRY_DISABLED=1 \
    PORT=3000 \
    HOST=0.0.0.0 \
    SWITCHBOARD_DB=/data/switchboard.db
WORKDIR /app
RUN groupadd --system switchboard && useradd --system --gid switchboard --home-dir /app switchboard \
    && mkdir -p /data && chown switchboard:switchboard /data
COPY --from=build --chown=switchboard:switchboard /app/package.json /app/package-lock.json /app/tsconfig.json /app/next.config.ts ./
COPY --from=build --chown=switchboard:switchboard /app/node_modules ./node_modules
COPY --from=build --chown=switchboard:switchboard /app/.next ./.next
COPY --from=build --chown=switchboard:switchboard /app/public ./public
COPY --from=build --chown=switchboard:switchboard /app/scripts ./scripts
COPY --from=build --chown=switchboard:switchboard /app/db ./db
COPY --from=build --chown=switchboard:switchboard /app/lib ./lib
COPY --from=build --chown=switchboard:switchboard /app/seeds ./seeds
USER switchboard
VOLUME ["/data"]
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s CMD node -e "fetch('http://127.0.0.1:'+process.env.PORT+'/api/health/ready').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["npm", "start", "--", "--no-build"]
