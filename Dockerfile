# syntax=docker/dockerfile:1
# One image for every role of the HJ 212 platform; the role is the container's argument:
#   docker build -t hj212-platform .
#   docker run --env-file app.env -p 5003:5003 hj212-platform gateway     # or: api | worker | all | gateway,api
# Without an argument main.ts falls back to HJ212_ROLES (default "all"). Configuration is the environment only
# (src/config.ts); nothing secret is baked into the image. See docs/deployment.md.
#
# Both stages use the same Debian 12 + Node 20 base as CI. Pin it by digest (node:20-bookworm-slim@sha256:...)
# for reproducible builds, and let your dependency bot bump the digest.

# ---- build: compile TypeScript with the dev dependencies, then drop them -------------------------------------
FROM node:20-bookworm-slim AS build
WORKDIR /app

# Dependencies first, so this layer stays cached until package*.json change. --ignore-scripts: the root
# "prepare" script runs tsc before the sources are here; the one dependency install script (msgpackr-extract,
# via bullmq) only looks for its prebuilt binary, which npm installs anyway as an optional platform package.
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund

# Only what the build needs (.dockerignore also keeps tests, fixtures, benchmarks and every .env out of the context):
# tsc compiles protocol/ and src/, Vite bundles web/ into dist/console (the console the API serves at /).
COPY tsconfig.json ./
COPY protocol ./protocol
COPY src ./src
COPY web ./web
RUN npm run build \
 && npm prune --omit=dev --ignore-scripts --no-audit --no-fund

# ---- runtime: compiled code, production dependencies, the health probe; nothing else --------------------------
FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app

# Files stay owned by root (no --chown): the app user can read them but the process cannot rewrite its own code.
# package.json is needed at run time: its "type": "module" makes Node load dist/**/*.js as ES modules.
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY docker/healthcheck.mjs ./docker/healthcheck.mjs

# The official image's unprivileged "node" user, numeric so that Kubernetes' runAsNonRoot can verify it.
# Ports 5003 and 8080 are above 1024: no capability is needed to bind them.
USER 1000:1000

# 5003: HJ 212 collectors (TCP, HJ212_TCP_PORT); 8080: HTTP API (HJ212_HTTP_PORT).
EXPOSE 5003 8080

# api: GET /health on HJ212_HTTP_PORT; gateway: the TCP port accepts; worker: Redis answers PING; a process with
# several roles must pass each (docker/healthcheck.mjs reads the role from this container's argument).
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 CMD ["node", "/app/docker/healthcheck.mjs"]

# main.ts shuts down gracefully on SIGTERM (stop accepting, finish storing, ack, close) and exits by itself after
# 30 s at most: give it more than that (docker stop -t 40; compose: stop_grace_period: 40s). Run with --init
# (compose: init: true) so that PID 1 is a real init and no signal is lost.
STOPSIGNAL SIGTERM
ENTRYPOINT ["node", "/app/dist/src/main.js"]
