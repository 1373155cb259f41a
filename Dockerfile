# pagobot runs from its TypeScript sources (tsx, a runtime dependency); there is no build step to ship.
# The first stage only installs dependencies: better-sqlite3 may need to compile when no prebuilt binary fits.
FROM node:20-slim AS deps
WORKDIR /app
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --omit=dev && npm cache clean --force

FROM node:20-slim
# glibc hands freed scan buffers back to the system (idle RSS about half): the same settings as `npm start`.
ENV NODE_ENV=production \
    MALLOC_MMAP_THRESHOLD_=524288 \
    MALLOC_TRIM_THRESHOLD_=524288 \
    PORT=3000 \
    HOST=0.0.0.0 \
    STORE_URL=sqlite:///app/data/pagobot.sqlite
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json package-lock.json ./
COPY bin ./bin
COPY src ./src
COPY adapters ./adapters
# A non-root user owns only the data folder (SQLite, the local secret key file when SECRET_KEYS is unset).
RUN groupadd --system pagobot && useradd --system --gid pagobot --home-dir /app pagobot \
 && mkdir -p /app/data && chown pagobot:pagobot /app/data
USER pagobot
VOLUME ["/app/data"]
EXPOSE 3000
# /healthz answers "ok" while the process serves; /readyz also checks the store and DropPay (for a load balancer).
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# node itself as PID 1, so SIGTERM reaches pagobot's shutdown (npm would not forward it).
CMD ["node", "--import", "tsx", "src/main.ts"]
