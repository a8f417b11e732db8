# Stands for the DaemonSet's pod restarts: runs Herald, and starts it again (same config, same
# stateDir) each time it exits. Roll a node with: kill -TERM "$(cat /tmp/herald.pid)"
while :; do
  /app/bin/herald run --config /etc/herald/config.yaml &
  echo $! >/tmp/herald.pid
  wait $!
  sleep 1
done
