# Herald container image: the daemon on the current Node.js LTS.
# Build: docker build -t herald .   Run: docker run --net=host -v $PWD/config.yaml:/etc/herald/config.yaml herald
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm ci --no-audit --no-fund && npm run build && npm prune --omit=dev

FROM node:24-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json config.example.yaml ./
COPY bin ./bin
# BGP needs port 179 and, for TTL/GTSM/MD5, NET_ADMIN; run with those capabilities, not as root.
USER node
EXPOSE 179 7472
ENTRYPOINT ["/app/bin/herald"]
CMD ["run", "--config", "/etc/herald/config.yaml"]
