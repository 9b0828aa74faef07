# syntax=docker/dockerfile:1
# Build stage: all dependencies, compile, then drop the dev dependencies. typeorm lists ts-node
# (and through it typescript and swc) as optional peers, which `--omit=dev` alone keeps: optional
# and peer dependencies go too, so the image holds no compiler (checked: nothing of typescript,
# ts-node or @swc is left, and the service starts from what remains).
FROM node:22-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json nest-cli.json ormconfig.ts ./
COPY src ./src
RUN npm run build && npm prune --omit=dev --omit=optional --omit=peer

# Runtime stage: production dependencies and compiled code only, as the unprivileged node user.
FROM node:22-bookworm-slim
ENV NODE_ENV=production \
    PORT=8080 \
    DATA_DIR=/app/data
WORKDIR /app
COPY --from=build --chown=root:root /app/package.json /app/package-lock.json ./
COPY --from=build --chown=root:root /app/node_modules ./node_modules
COPY --from=build --chown=root:root /app/dist ./dist
RUN mkdir -p /app/data && chown node:node /app/data
# The embedded database (development and trials only: production refuses to run without
# DATABASE_URL) and development emails live here.
VOLUME /app/data
USER node
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 8080) + '/healthz').then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# Migrations run at start under an advisory lock (DB_MIGRATE=false to run them as a separate
# step: node dist/src/database/cli/migrate.js).
# A young generation of 4 MB semi-spaces instead of V8's 16: about 30 MB less resident memory at no
# measurable CPU cost (docs/benchmarks.md, bench:memory). Same flags as npm run start:prod.
CMD ["node", "--max-semi-space-size=4", "dist/src/main.js"]
