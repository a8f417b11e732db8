# The project's fake Kubernetes API server with the ecmp-across-nodes lab's MetalLB resources
# (openwrt-home-lab.clab.yml runs its own cluster.ts, which reads the seed in test/fixtures/k8s):
#   docker build -t herald-lab-fake-api -f labs/clab/api.Dockerfile .
FROM node:20-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json tsconfig.json ./
RUN npm ci --no-audit --no-fund
COPY src ./src
COPY test/k8s ./test/k8s
COPY test/fixtures/k8s ./test/fixtures/k8s
COPY labs ./labs
EXPOSE 6443
CMD ["npx", "tsx", "labs/ecmp-across-nodes/clab/cluster.ts", "0.0.0.0", "6443"]
