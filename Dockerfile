# The job worker image: `jobs worker` for the application's topics (the seed example unless JOBS_APP is set).
# The first stage compiles the TypeScript sources (npm run build); the image keeps dist/ and the runtime packages,
# and web/ for the jobs dashboard (`jobs ui`, the compose file's jobs-ui service).
FROM node:20-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

FROM node:20-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund
COPY bin ./bin
COPY web ./web
COPY --from=build /app/dist ./dist
USER node
# SIGTERM (docker stop) lets in-flight processors finish before the worker exits.
CMD ["node", "bin/jobs.js", "worker"]
