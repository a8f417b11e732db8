# BIRD 2 for the labs' containerlab topologies: docker build -t herald-lab-bird:2 -f labs/clab/bird.Dockerfile .
FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends bird2 iproute2 && rm -rf /var/lib/apt/lists/* \
    && mkdir -p /run/bird
CMD ["bird", "-f", "-c", "/etc/bird/bird.conf", "-s", "/run/bird/bird.ctl"]
