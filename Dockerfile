# The job worker image: `jobs worker` for the application's topics (the seed example unless JOBS_APP is set).
FROM node:20-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund
COPY tsconfig.json ./
COPY bin ./bin
COPY src ./src
USER node
# SIGTERM (docker stop) lets in-flight processors finish before the worker exits.
CMD ["node", "bin/jobs.js", "worker"]
