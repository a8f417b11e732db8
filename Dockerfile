# Herald container image: the daemon on the current Node.js LTS.
# Build: docker build -t herald .
# Run on the host network (port 179, TTL/GTSM/MD5 socket options and kernel routes need
# NET_BIND_SERVICE and NET_ADMIN, which take effect only for uid 0 in an image without file
# capabilities; the Kubernetes manifests run it the same way):
#   docker run --net=host --user 0 --cap-drop ALL --cap-add NET_BIND_SERVICE --cap-add NET_ADMIN \
#     --security-opt no-new-privileges -v $PWD/config.yaml:/etc/herald/config.yaml herald
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
# The state directory (API announcements kept across restarts) belongs to the daemon's user.
RUN install -d -o node -g node /var/lib/herald
# Unprivileged by default (the CLI, a config check, a daemon on a port above 1023): as a non-root
# user the entry point just runs `herald`.
USER node
EXPOSE 179 7472
ENTRYPOINT ["/app/bin/herald-as-user"]
CMD ["run", "--config", "/etc/herald/config.yaml"]
