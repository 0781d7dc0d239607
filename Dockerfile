# syntax=docker/dockerfile:1
# One image for both roles: the gateway (default) and the delivery worker
# (`command: ["node", "dist/apps/worker/src/main.js"]`).
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
# The build generates the Prisma client before compiling (scripts/build.js).
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
ENV NODE_ENV=production
# ffmpeg (with libopus) turns MP3/M4A/WAV/... into WhatsApp voice notes; sharp brings its own libvips.
RUN apt-get update \
  && apt-get install -y --no-install-recommends ffmpeg \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/prisma ./prisma
COPY --from=build /app/scripts ./scripts
COPY --from=build /app/package.json ./package.json
USER node
EXPOSE 8080
# The gateway validates its configuration, applies pending migrations (scripts/migrate.js), then listens.
# The node options are npm start's (test/start-commands.spec.ts keeps them equal): a young generation
# that V8's memory reducer cannot shrink to 1 MB in a quiet spell, which made the next burst's first
# second about twice as slow (README, "Measured"; bench/fleet --idle-seconds).
CMD ["node", "--min-semi-space-size=16", "dist/apps/gateway/src/main.js"]
