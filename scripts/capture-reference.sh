#!/usr/bin/env bash
# capture-reference.sh — record real BGP sessions between GoBGP, BIRD 2 and FRR
# and store the wire bytes as pcapng reference vectors for Herald's codec.
#
# Everything runs inside private network namespaces connected by veth pairs;
# no packet ever leaves those namespaces.  Each daemon gets a private config,
# control socket, pid file and log under a temporary work directory.  Every
# wait is bounded and all namespaces/processes are cleaned up on exit.
#
# Usage:  sudo scripts/capture-reference.sh [capture ...]
#   captures: bird-frr  ibgp-rr  gobgp-bird   (default: all three)
# Env:    OUT=<dir>        output directory (default test/fixtures/captures)
#         KEEP_WORK=1      keep the temporary work directory (logs, configs)
#
# Requires (Debian 12): bird2 frr gobgpd tshark iproute2 util-linux
set -uo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
OUT=${OUT:-$REPO/test/fixtures/captures}
WORK=$(mktemp -d /tmp/herald-capture.XXXXXX)
chmod 755 "$WORK"
FRR=/usr/lib/frr
NS_PREFIX=herald-cap-

declare -a PIDS=()        # every background process we started
declare -a NAMESPACES=()  # every namespace we created

log() { printf '[%(%H:%M:%S)T] %s\n' -1 "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# ---------------------------------------------------------------- cleanup
stop_pid() { # stop_pid PID [signal]: signal, wait up to 5 s, then SIGKILL
	local pid=$1 sig=${2:-TERM} i
	kill -0 "$pid" 2>/dev/null || return 0
	kill "-$sig" "$pid" 2>/dev/null
	for ((i = 0; i < 50; i++)); do
		kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null; return 0; }
		sleep 0.1
	done
	# tshark runs dumpcap as a child: kill that child explicitly by PID
	local child
	for child in $(pgrep -P "$pid" 2>/dev/null); do kill -KILL "$child" 2>/dev/null; done
	kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	return 0
}

cleanup() {
	local rc=$? i
	trap - EXIT INT TERM
	for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do stop_pid "${PIDS[i]}"; done
	PIDS=()
	for ns in "${NAMESPACES[@]}"; do ip netns del "$ns" 2>/dev/null; done
	if [[ ${KEEP_WORK:-0} == 1 ]]; then
		log "work directory kept: $WORK"
	else
		rm -rf "$WORK"
	fi
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---------------------------------------------------------------- helpers
wait_until() { # wait_until SECONDS cmd...: poll every 0.5 s, bounded
	local end=$((SECONDS + $1)); shift
	while ((SECONDS < end)); do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.5
	done
	return 1
}

ns_add() { # ns_add NAME
	local ns=$NS_PREFIX$1
	ip netns del "$ns" 2>/dev/null # leftover from an aborted run
	ip netns add "$ns" || die "cannot create namespace $ns"
	NAMESPACES+=("$ns")
	ip -n "$ns" link set lo up
	ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.accept_dad=0 \
		net.ipv6.conf.default.accept_dad=0 net.ipv6.conf.all.forwarding=0
}

veth() { # veth NS1 IF1 MAC1 NS2 IF2 MAC2 — created directly inside the namespaces
	ip link add "$2" netns "$NS_PREFIX$1" address "$3" type veth \
		peer name "$5" netns "$NS_PREFIX$4" address "$6" || die "veth $2/$5"
}

addr() { # addr NS IF ADDR...
	local ns=$NS_PREFIX$1 ifc=$2 a
	shift 2
	ip netns exec "$ns" sysctl -qw "net.ipv6.conf.$ifc.accept_dad=0"
	for a in "$@"; do ip -n "$ns" addr add "$a" dev "$ifc" nodad 2>/dev/null ||
		ip -n "$ns" addr add "$a" dev "$ifc" || die "addr $a"; done
	ip -n "$ns" link set "$ifc" up
}

# spawn NS HOSTNAME LOGFILE cmd... — run a foreground daemon inside the
# namespace with a private UTS namespace (so FQDN/hostname capabilities carry
# a fixed test hostname, not the host's).  `ip netns exec` and `unshare` both
# exec(), so $! is the daemon's own PID.
spawn() {
	local ns=$NS_PREFIX$1 host=$2 logf=$3
	shift 3
	ip netns exec "$ns" unshare --uts sh -c 'hostname "$0"; exec "$@"' "$host" "$@" \
		>"$logf" 2>&1 </dev/null &
	PIDS+=($!)
	LAST_PID=$!
}

nsx() { local ns=$NS_PREFIX$1; shift; ip netns exec "$ns" "$@"; }

# -------------------------------------------------------------- daemons
start_capture() { # start_capture NS NAME IF...
	local ns=$1 name=$2 ifc args=()
	shift 2
	for ifc in "$@"; do args+=(-i "$ifc"); done
	ip netns exec "$NS_PREFIX$ns" tshark -f 'tcp port 179' "${args[@]}" -F pcapng \
		-w "$WORK/$name.pcapng" >"$WORK/$name.tshark.log" 2>&1 </dev/null &
	PIDS+=($!)
	CAP_PID=$!
	wait_until 15 grep -q 'Capturing on' "$WORK/$name.tshark.log" ||
		die "tshark did not start: $(cat "$WORK/$name.tshark.log")"
	sleep 0.5
}

stop_capture() { # stop_capture NAME
	sleep 1
	stop_pid "$CAP_PID" INT
	cp "$WORK/$1.pcapng" "$OUT/$1.pcapng" || die "no capture file for $1"
	chmod 644 "$OUT/$1.pcapng"
	log "wrote $OUT/$1.pcapng ($(stat -c %s "$OUT/$1.pcapng") bytes)"
}

stop_all_daemons() { # stop everything started so far, newest first
	local i
	for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do stop_pid "${PIDS[i]}"; done
	PIDS=()
	for ns in "${NAMESPACES[@]}"; do ip netns del "$ns" 2>/dev/null; done
	NAMESPACES=()
}

start_bird() { # start_bird NS HOSTNAME DIR
	local d=$3
	bird -p -c "$d/bird.conf" >"$d/bird.parse.log" 2>&1 || die "bird config: $(cat "$d/bird.parse.log")"
	spawn "$1" "$2" "$d/bird.stdout" bird -f -c "$d/bird.conf" -s "$d/bird.ctl" -P "$d/bird.pid"
	wait_until 10 test -S "$d/bird.ctl" || die "bird ($2) did not start: $(cat "$d/bird.stdout")"
}
birdc_() { local d=$1; shift; birdc -s "$d/bird.ctl" "$@"; }
bird_established() { birdc_ "$1" show protocols "$2" | grep -q Established; }

start_frr() { # start_frr NS HOSTNAME DIR   (zebra + bgpd, private sockets)
	local ns=$1 host=$2 d=$3
	"$FRR/bgpd" -C -f "$d/bgpd.conf" >"$d/bgpd.check.log" 2>&1 || die "bgpd config: $(cat "$d/bgpd.check.log")"
	chown -R frr:frr "$d" # FRR daemons drop privileges to the frr user
	spawn "$ns" "$host" "$d/zebra.stdout" "$FRR/zebra" -f "$d/zebra.conf" -i "$d/zebra.pid" \
		-z "$d/zserv.api" --vty_socket "$d" -P 0
	wait_until 10 test -S "$d/zserv.api" || die "zebra ($host) did not start: $(cat "$d/zebra.stdout")"
	spawn "$ns" "$host" "$d/bgpd.stdout" "$FRR/bgpd" -f "$d/bgpd.conf" -i "$d/bgpd.pid" \
		-z "$d/zserv.api" --vty_socket "$d" -P 0
	wait_until 10 test -S "$d/bgpd.vty" || die "bgpd ($host) did not start: $(cat "$d/bgpd.stdout")"
}
vtysh_() { local d=$1; shift; local a=() c; for c in "$@"; do a+=(-c "$c"); done; vtysh --vty_socket "$d" -d bgpd "${a[@]}"; }
frr_established() { vtysh_ "$1" "show bgp neighbors $2 json" | grep -q '"bgpState":"Established"'; }

start_gobgp() { # start_gobgp NS HOSTNAME DIR
	local d=$3
	gobgpd -d -f "$d/gobgpd.toml" >"$d/gobgpd.check.log" 2>&1 || die "gobgpd config: $(cat "$d/gobgpd.check.log")"
	spawn "$1" "$2" "$d/gobgpd.log" gobgpd -f "$d/gobgpd.toml" -p -l info \
		--api-hosts 127.0.0.1:50051 --pprof-disable
	wait_until 10 nsx "$1" gobgp global || die "gobgpd ($2) did not start: $(cat "$d/gobgpd.log")"
}
gobgp_() { local ns=$1; shift; nsx "$ns" gobgp "$@"; }
gobgp_established() { gobgp_ "$1" neighbor "$2" | grep -q 'BGP state = established'; }

require_established() { # require_established SECONDS desc check-cmd...
	local t=$1 what=$2; shift 2
	wait_until "$t" "$@" && { log "  established: $what"; return 0; }
	log "  WARNING: not established within ${t}s: $what"
	return 0
}

# ------------------------------------------------------- common config bits
frr_zebra_conf() { # frr_zebra_conf DIR HOSTNAME
	cat >"$1/zebra.conf" <<-EOF
		hostname $2
		log file $1/zebra.log informational
	EOF
}

# BIRD export snippet: a route carrying 400 large communities (4.8 KB of
# attributes) — only encodable when the Extended Message capability (RFC 8654)
# has been negotiated.
# BIRD prefix sets cannot mix IPv4 and IPv6, hence this helper
BIRD_NET_IN='function net_in(prefix set p4; prefix set p6) { if net.type = NET_IP4 then return net ~ p4; return net ~ p6; }'

bird_big_lc() { # bird_big_lc ASN
	local i
	for ((i = 1; i <= 400; i++)); do printf '      bgp_large_community.add((%s, 8654, %d));\n' "$1" "$i"; done
}

# ======================================================= capture: bird-frr
# eBGP  BIRD (AS 4200000001, 4-octet)  <->  FRR (AS 65002)
#   session v4 : 10.255.1.1 <-> 10.255.1.2      ipv4-unicast
#   session v6 : fd00:255:1::1 <-> ::2          ipv6-unicast + ipv4-unicast (extended next hop)
#   bad AS     : 10.255.1.5 <-> 10.255.1.6      BIRD expects AS 65099 -> OPEN error Bad Peer AS
capture_bird_frr() {
	local name=bird-frr B=$WORK/bird-frr/bird F=$WORK/bird-frr/frr
	log "=== $name"
	mkdir -p "$B" "$F"
	ns_add bf-bird; ns_add bf-frr
	veth bf-bird h1b 02:00:0a:ff:01:01 bf-frr h1f 02:00:0a:ff:01:02
	addr bf-bird h1b 10.255.1.1/30 10.255.1.5/30 fd00:255:1::1/64
	addr bf-frr h1f 10.255.1.2/30 10.255.1.6/30 fd00:255:1::2/64

	cat >"$B/bird.conf" <<-EOF
		log "$B/bird.log" all;
		router id 10.255.1.1;
		hostname "bird-a";
		protocol device { scan time 10; }
		$BIRD_NET_IN
		protocol static st4  { ipv4; route 10.1.1.0/24 blackhole; route 10.1.2.0/24 blackhole;
		                       route 10.1.3.0/24 blackhole; route 10.1.4.0/24 blackhole; }
		protocol static st4w { ipv4; route 10.1.9.0/24 blackhole; }
		protocol static st6  { ipv6; route 2001:db8:1:1::/64 blackhole; route 2001:db8:1:2::/64 blackhole; }
		protocol static st6w { ipv6; route 2001:db8:1:9::/64 blackhole; }

		filter to_frr {
		  if source != RTS_STATIC then reject;
		  if net_in([ 10.1.1.0/24 ], [ 2001:db8:1:1::/64 ]) then {
		    bgp_origin = ORIGIN_EGP;
		    bgp_med = 10;
		    bgp_path.prepend(4200000001); bgp_path.prepend(4200000001);
		    bgp_community.add((65535, 65281));   # NO_EXPORT
		    bgp_community.add((65535, 666));     # BLACKHOLE
		    bgp_community.add((65535, 0));       # GRACEFUL_SHUTDOWN
		    bgp_community.add((64512, 100));
		  }
		  if net_in([ 10.1.2.0/24 ], [ 2001:db8:1:2::/64 ]) then {
		    bgp_community.add((65535, 65282));   # NO_ADVERTISE
		    bgp_community.add((65535, 65283));   # NO_EXPORT_SUBCONFED
		    bgp_ext_community.add((rt, 64512, 100));            # 2-octet-AS route target
		    bgp_ext_community.add((rt, 4200000001, 7));         # 4-octet-AS route target
		    bgp_ext_community.add((ro, 10.255.1.1, 42));        # IPv4-address route origin
		    bgp_ext_community.add((generic, 0x0004fde8, 0x4cee6b28)); # transitive link bandwidth AS65000, 1 Gbit/s (float32 bytes/s)
		    bgp_large_community.add((4200000001, 1, 2));
		    bgp_large_community.add((4200000001, 3, 4));
		  }
		  if net = 10.1.3.0/24 then {
		    bgp_origin = ORIGIN_INCOMPLETE;
		    bgp_med = 0;
		  }
		  if net = 10.1.4.0/24 then {
		$(bird_big_lc 4200000001)
		  }
		  accept;
		}

		template bgp frr_t {
		  hold time 9; keepalive time 3;
		  connect delay time 1; connect retry time 3; error wait time 2, 6;
		  graceful restart on; graceful restart time 90;
		  long lived graceful restart on; long lived stale time 30;
		  enable route refresh on;
		  enable extended messages on;
		  advertise hostname on;
		  local role provider;
		}
		protocol bgp frr_v4 from frr_t {
		  local 10.255.1.1 as 4200000001;
		  neighbor 10.255.1.2 as 65002;
		  ipv4 { import all; export filter to_frr; add paths on; };
		}
		protocol bgp frr_v6 from frr_t {
		  local fd00:255:1::1 as 4200000001;
		  neighbor fd00:255:1::2 as 65002;
		  ipv6 { import all; export filter to_frr; add paths on; };
		  ipv4 { import all; export filter to_frr; extended next hop on; add paths tx; };
		}
		protocol bgp bad_as from frr_t {
		  local 10.255.1.5 as 4200000001;
		  neighbor 10.255.1.6 as 65099;   # deliberately wrong: FRR is AS 65002
		  ipv4 { import none; export none; };
		}
	EOF

	frr_zebra_conf "$F" frr-a
	cat >"$F/bgpd.conf" <<-EOF
		frr defaults traditional
		hostname frr-a
		log file $F/bgpd.log informational
		!
		ip prefix-list P-COMM seq 5 permit 10.2.1.0/24
		ip prefix-list P-INC  seq 5 permit 10.2.2.0/24
		ipv6 prefix-list P6-COMM seq 5 permit 2001:db8:2:1::/64
		!
		route-map TO-BIRD permit 10
		 match ip address prefix-list P-COMM
		 set origin egp
		 set metric 42
		 set as-path prepend 65002 65002
		 set community 65002:1 no-export blackhole graceful-shutdown local-AS no-peer
		 set large-community 65002:1:1 4200000001:2:2
		 set extcommunity rt 65002:10 192.0.2.1:20
		 set extcommunity soo 65002:30
		route-map TO-BIRD permit 20
		 match ip address prefix-list P-INC
		 set origin incomplete
		 set community no-advertise
		route-map TO-BIRD permit 100
		!
		route-map TO-BIRD6 permit 10
		 match ipv6 address prefix-list P6-COMM
		 set metric 66
		 set community 65002:6 no-export
		 set large-community 65002:6:6
		 set extcommunity rt 65002:60
		route-map TO-BIRD6 permit 100
		!
		router bgp 65002
		 bgp router-id 10.255.1.2
		 no bgp ebgp-requires-policy
		 no bgp network import-check
		 bgp graceful-restart
		 bgp graceful-restart notification
		 bgp long-lived-graceful-restart stale-time 30
		 timers bgp 3 9
		 neighbor 10.255.1.1 remote-as 4200000001
		 neighbor 10.255.1.1 local-role customer
		 neighbor 10.255.1.1 timers connect 2
		 neighbor 10.255.1.1 capability dynamic
		 neighbor fd00:255:1::1 remote-as 4200000001
		 neighbor fd00:255:1::1 local-role customer
		 neighbor fd00:255:1::1 capability extended-nexthop
		 neighbor fd00:255:1::1 timers connect 2
		 neighbor 10.255.1.5 remote-as 4200000001
		 neighbor 10.255.1.5 update-source 10.255.1.6
		 neighbor 10.255.1.5 timers connect 3
		 !
		 address-family ipv4 unicast
		  network 10.2.1.0/24
		  network 10.2.2.0/24
		  network 10.2.3.0/24
		  network 10.2.9.0/24
		  aggregate-address 10.2.0.0/16
		  aggregate-address 10.1.0.0/16 as-set
		  neighbor 10.255.1.1 route-map TO-BIRD out
		  neighbor 10.255.1.1 addpath-tx-all-paths
		  neighbor 10.255.1.1 capability orf prefix-list both
		  neighbor fd00:255:1::1 activate
		  neighbor fd00:255:1::1 route-map TO-BIRD out
		 exit-address-family
		 !
		 address-family ipv6 unicast
		  network 2001:db8:2:1::/64
		  network 2001:db8:2:9::/64
		  neighbor fd00:255:1::1 activate
		  neighbor fd00:255:1::1 addpath-tx-all-paths
		  neighbor fd00:255:1::1 route-map TO-BIRD6 out
		 exit-address-family
		!
	EOF

	start_capture bf-bird "$name" h1b
	start_frr bf-frr frr-a "$F"
	start_bird bf-bird bird-a "$B"
	require_established 25 "bird frr_v4" bird_established "$B" frr_v4
	require_established 10 "bird frr_v6" bird_established "$B" frr_v6
	sleep 4 # initial UPDATEs, End-of-RIB, a few KEEPALIVEs

	log "  route refresh (FRR -> BIRD, BIRD answers with enhanced BoRR/EoRR)"
	vtysh_ "$F" "clear bgp ipv4 unicast 10.255.1.1 soft in" >/dev/null
	vtysh_ "$F" "clear bgp ipv6 unicast fd00:255:1::1 soft in" >/dev/null
	sleep 2
	log "  route refresh (BIRD -> FRR)"
	birdc_ "$B" reload in frr_v4 >/dev/null
	birdc_ "$B" reload in frr_v6 >/dev/null
	sleep 2
	log "  withdrawals"
	birdc_ "$B" disable st4w >/dev/null
	birdc_ "$B" disable st6w >/dev/null
	vtysh_ "$F" "configure terminal" "router bgp 65002" "address-family ipv4 unicast" \
		"no network 10.2.9.0/24" "exit-address-family" "address-family ipv6 unicast" \
		"no network 2001:db8:2:9::/64" >/dev/null
	sleep 3
	log "  FRR administrative shutdown with message (RFC 8203/9003)"
	vtysh_ "$F" "configure terminal" "router bgp 65002" \
		"neighbor 10.255.1.1 shutdown message Herald reference capture: FRR maintenance" >/dev/null
	sleep 2
	log "  BIRD administrative shutdown with message"
	birdc_ "$B" disable frr_v6 '"Herald reference capture: BIRD maintenance"' >/dev/null
	sleep 2
	stop_capture "$name"
	stop_all_daemons
}

# ======================================================== capture: ibgp-rr
# iBGP AS 65010: FRR is a route reflector for two clients, GoBGP and BIRD.
#   FRR h2fg 10.255.2.1 / fd00:255:2::1  <->  GoBGP h2gf 10.255.2.2 / fd00:255:2::2
#   FRR h2fb 10.255.3.1 / fd00:255:3::1  <->  BIRD  h2bf 10.255.3.2 / fd00:255:3::2
#   FRR h2fb 10.255.3.5 <-> BIRD 10.255.3.6: FRR forced to RFC 9072 extended
#     optional parameters; FRR 8.4 then mis-parses BIRD's normal OPEN and
#     answers with an OPEN-error NOTIFICATION (kept as a vector on purpose).
capture_ibgp_rr() {
	local name=ibgp-rr F=$WORK/ibgp-rr/frr G=$WORK/ibgp-rr/gobgp B=$WORK/ibgp-rr/bird
	log "=== $name"
	mkdir -p "$F" "$G" "$B"
	ns_add rr-frr; ns_add rr-gobgp; ns_add rr-bird
	veth rr-frr h2fg 02:00:0a:ff:02:01 rr-gobgp h2gf 02:00:0a:ff:02:02
	veth rr-frr h2fb 02:00:0a:ff:03:01 rr-bird h2bf 02:00:0a:ff:03:02
	addr rr-frr h2fg 10.255.2.1/30 fd00:255:2::1/64
	addr rr-gobgp h2gf 10.255.2.2/30 fd00:255:2::2/64
	addr rr-frr h2fb 10.255.3.1/30 10.255.3.5/30 fd00:255:3::1/64
	addr rr-bird h2bf 10.255.3.2/30 10.255.3.6/30 fd00:255:3::2/64

	frr_zebra_conf "$F" frr-rr
	cat >"$F/bgpd.conf" <<-EOF
		frr defaults traditional
		hostname frr-rr
		log file $F/bgpd.log informational
		!
		route-map RR-ORIG1 permit 10
		 set origin igp
		 set metric 5
		 set local-preference 250
		 set community 65010:1 no-export
		 set large-community 65010:1:1
		 set extcommunity rt 65010:100
		 set extcommunity bandwidth 1000
		route-map RR-ORIG2 permit 10
		 set origin incomplete
		 set local-preference 50
		 set as-path prepend 64999
		 set community graceful-shutdown llgr-stale no-llgr accept-own
		 set extcommunity soo 10.255.0.1:2
		!
		router bgp 65010
		 bgp router-id 10.255.0.1
		 bgp cluster-id 10.255.0.100
		 no bgp network import-check
		 bgp graceful-restart
		 bgp graceful-restart notification
		 bgp long-lived-graceful-restart stale-time 30
		 timers bgp 3 9
		 neighbor 10.255.2.2 remote-as 65010
		 neighbor 10.255.2.2 timers connect 2
		 neighbor fd00:255:2::2 remote-as 65010
		 neighbor fd00:255:2::2 timers connect 2
		 neighbor 10.255.3.2 remote-as 65010
		 neighbor 10.255.3.2 timers connect 2
		 neighbor 10.255.3.6 remote-as 65010
		 neighbor 10.255.3.6 update-source 10.255.3.5
		 neighbor 10.255.3.6 timers connect 3
		 neighbor 10.255.3.6 extended-optional-parameters
		 neighbor fd00:255:3::2 remote-as 65010
		 neighbor fd00:255:3::2 timers connect 2
		 !
		 address-family ipv4 unicast
		  network 10.10.1.0/24 route-map RR-ORIG1
		  network 10.10.2.0/24 route-map RR-ORIG2
		  network 10.10.9.0/24
		  aggregate-address 10.3.0.0/16 as-set
		  neighbor 10.255.2.2 route-reflector-client
		  neighbor 10.255.2.2 addpath-tx-all-paths
		  neighbor 10.255.3.2 route-reflector-client
		  neighbor 10.255.3.2 addpath-tx-all-paths
		  no neighbor fd00:255:2::2 activate
		  no neighbor fd00:255:3::2 activate
		 exit-address-family
		 !
		 address-family ipv6 unicast
		  network 2001:db8:10:1::/64 route-map RR-ORIG1
		  network 2001:db8:10:9::/64
		  neighbor fd00:255:2::2 activate
		  neighbor fd00:255:2::2 route-reflector-client
		  neighbor fd00:255:2::2 addpath-tx-all-paths
		  neighbor fd00:255:3::2 activate
		  neighbor fd00:255:3::2 route-reflector-client
		 exit-address-family
		!
	EOF

	cat >"$G/gobgpd.toml" <<-EOF
		[global.config]
		  as = 65010
		  router-id = "10.255.0.2"
		  port = 179
		EOF
	local nbr fam
	for nbr in "10.255.2.1 10.255.2.2 ipv4-unicast" "fd00:255:2::1 fd00:255:2::2 ipv6-unicast"; do
		set -- $nbr
		cat >>"$G/gobgpd.toml" <<-EOF

			[[neighbors]]
			  [neighbors.config]
			    neighbor-address = "$1"
			    peer-as = 65010
			  [neighbors.transport.config]
			    local-address = "$2"
			  [neighbors.timers.config]
			    hold-time = 9
			    keepalive-interval = 3
			    connect-retry = 2
			  [neighbors.graceful-restart.config]
			    enabled = true
			    restart-time = 90
			    notification-enabled = true
			    long-lived-enabled = true
			  [[neighbors.afi-safis]]
			    [neighbors.afi-safis.config]
			      afi-safi-name = "$3"
			    [neighbors.afi-safis.mp-graceful-restart.config]
			      enabled = true
			    [neighbors.afi-safis.long-lived-graceful-restart.config]
			      enabled = true
			      restart-time = 30
			    [neighbors.afi-safis.add-paths.config]
			      receive = true
			      send-max = 4
		EOF
	done

	cat >"$B/bird.conf" <<-EOF
		log "$B/bird.log" all;
		router id 10.255.0.3;
		hostname "bird-rr-client";
		protocol device { scan time 10; }
		$BIRD_NET_IN
		protocol static st4  { ipv4; route 10.4.1.0/24 blackhole; route 10.4.2.0/24 blackhole; }
		protocol static st4w { ipv4; route 10.4.9.0/24 blackhole; }
		protocol static st6  { ipv6; route 2001:db8:4:1::/64 blackhole; route 2001:db8:4:9::/64 blackhole; }

		filter to_rr {
		  if source != RTS_STATIC then reject;
		  igp_metric = 50;
		  if net_in([ 10.4.1.0/24 ], [ 2001:db8:4:1::/64 ]) then {
		    bgp_local_pref = 300;
		    bgp_med = 7;
		    bgp_community.add((65010, 4));
		    bgp_ext_community.add((rt, 65010, 400));
		    bgp_ext_community.add((generic, 0x4004fdf2, 0x4cee6b28)); # non-transitive link bandwidth AS65010, 1 Gbit/s
		    bgp_large_community.add((65010, 4, 4));
		    bgp_otc = 64888;                     # OTC attribute (RFC 9234) on iBGP
		  }
		  if net = 10.4.2.0/24 then {
		    bgp_origin = ORIGIN_EGP;
		    bgp_path.prepend(64777);
		  }
		  accept;
		}
		template bgp rr_t {
		  hold time 9; keepalive time 3;
		  connect delay time 1; connect retry time 3; error wait time 2, 6;
		  graceful restart on; long lived graceful restart on; long lived stale time 30;
		  enable extended messages on;
		  advertise hostname on;
		}
		protocol bgp rr_v4 from rr_t {
		  local 10.255.3.2 as 65010;
		  neighbor 10.255.3.1 as 65010;
		  ipv4 { import all; export filter to_rr; add paths on; aigp originate; next hop self; };
		}
		protocol bgp rr_extopt from rr_t {
		  local 10.255.3.6 as 65010;
		  neighbor 10.255.3.5 as 65010;
		  ipv4 { import none; export none; };
		}
		protocol bgp rr_v6 from rr_t {
		  local fd00:255:3::2 as 65010;
		  neighbor fd00:255:3::1 as 65010;
		  ipv6 { import all; export filter to_rr; add paths on; aigp originate; next hop self; };
		}
	EOF

	start_capture rr-frr "$name" h2fg h2fb
	start_gobgp rr-gobgp gobgp-rr-client "$G"
	log "  injecting GoBGP routes"
	gobgp_ rr-gobgp global rib -a ipv4 add 10.3.1.0/24 origin egp aspath '64600 {64601,64602}' \
		med 20 local-pref 150 community no-export,blackhole,65535:0,65010:3 \
		large-community 65010:3:1,4200000003:3:2 aggregator 64600:10.255.0.2 aigp metric 100 \
		rt 65010:300 || log "  WARNING: gobgp add 10.3.1.0/24 failed"
	gobgp_ rr-gobgp global rib -a ipv4 add 10.3.2.0/24 identifier 1 med 10 || log "  WARNING: gobgp add-path 1"
	gobgp_ rr-gobgp global rib -a ipv4 add 10.3.2.0/24 identifier 2 med 30 origin incomplete || log "  WARNING: gobgp add-path 2"
	gobgp_ rr-gobgp global rib -a ipv4 add 10.3.9.0/24 || true
	gobgp_ rr-gobgp global rib -a ipv6 add 2001:db8:3:1::/64 local-pref 120 community 65010:6 \
		large-community 65010:6:6 || log "  WARNING: gobgp add ipv6"
	gobgp_ rr-gobgp global rib -a ipv6 add 2001:db8:3:9::/64 || true
	start_frr rr-frr frr-rr "$F"
	start_bird rr-bird bird-rr-client "$B"
	require_established 25 "frr-gobgp v4" frr_established "$F" 10.255.2.2
	require_established 10 "frr-gobgp v6" frr_established "$F" fd00:255:2::2
	require_established 10 "frr-bird v4" frr_established "$F" 10.255.3.2
	require_established 10 "frr-bird v6" frr_established "$F" fd00:255:3::2
	sleep 4

	# (GoBGP 3.10 never sends ROUTE-REFRESH: 'gobgp neighbor X softresetin' only
	# re-applies import policy to its Adj-RIB-In, so it is not used here)
	log "  route refresh (BIRD -> FRR with enhanced BoRR/EoRR reply, FRR -> GoBGP)"
	birdc_ "$B" reload in rr_v4 >/dev/null
	vtysh_ "$F" "clear bgp ipv6 unicast fd00:255:2::2 soft in" >/dev/null
	sleep 2
	log "  withdrawals"
	gobgp_ rr-gobgp global rib -a ipv4 del 10.3.9.0/24 >/dev/null
	gobgp_ rr-gobgp global rib -a ipv6 del 2001:db8:3:9::/64 >/dev/null
	birdc_ "$B" disable st4w >/dev/null
	vtysh_ "$F" "configure terminal" "router bgp 65010" "address-family ipv4 unicast" \
		"no network 10.10.9.0/24" "exit-address-family" "address-family ipv6 unicast" \
		"no network 2001:db8:10:9::/64" >/dev/null
	sleep 3
	log "  GoBGP shutdown with communication"
	gobgp_ rr-gobgp neighbor 10.255.2.1 shutdown --reason "Herald reference capture: GoBGP maintenance" >/dev/null
	sleep 1
	log "  FRR shutdown with message (N-bit negotiated -> Hard Reset)"
	vtysh_ "$F" "configure terminal" "router bgp 65010" \
		"neighbor fd00:255:2::2 shutdown message Herald reference capture: FRR RR maintenance" >/dev/null
	sleep 1
	log "  BIRD shutdown with message"
	birdc_ "$B" disable rr_v6 '"Herald reference capture: BIRD client maintenance"' >/dev/null
	sleep 2
	stop_capture "$name"
	stop_all_daemons
}

# ===================================================== capture: gobgp-bird
# eBGP  GoBGP (AS 4200000003, 4-octet)  <->  BIRD (AS 65030)
#   session v4  : 10.255.4.1 <-> 10.255.4.2      ipv4-unicast
#   session v6  : fd00:255:4::1 <-> ::2          ipv6-unicast + ipv4-unicast (extended next hop)
#   session as2 : 10.255.4.5 <-> 10.255.4.6      BIRD 'enable as4 off' (2-octet-only speaker); GoBGP uses
#                 local-as 65040 on it (BIRD cannot peer with a 4-octet AS when as4 is off), routes
#                 still carry 4-octet ASNs -> AS_TRANS in AS_PATH/AGGREGATOR + AS4_PATH/AS4_AGGREGATOR
#   bad AS      : 10.255.4.9 <-> 10.255.4.10     GoBGP expects AS 65099 -> OPEN error Bad Peer AS
capture_gobgp_bird() {
	local name=gobgp-bird G=$WORK/gobgp-bird/gobgp B=$WORK/gobgp-bird/bird
	log "=== $name"
	mkdir -p "$G" "$B"
	ns_add gb-gobgp; ns_add gb-bird
	veth gb-gobgp h3g 02:00:0a:ff:04:01 gb-bird h3b 02:00:0a:ff:04:02
	addr gb-gobgp h3g 10.255.4.1/30 10.255.4.5/30 10.255.4.9/30 fd00:255:4::1/64
	addr gb-bird h3b 10.255.4.2/30 10.255.4.6/30 10.255.4.10/30 fd00:255:4::2/64

	cat >"$G/gobgpd.toml" <<-EOF
		[global.config]
		  as = 4200000003
		  router-id = "10.255.4.1"
		  port = 179
		EOF
	local nbr
	for nbr in "10.255.4.2 10.255.4.1 65030 ipv4-unicast 4200000003" \
		"fd00:255:4::2 fd00:255:4::1 65030 ipv6-unicast,ipv4-unicast 4200000003" \
		"10.255.4.6 10.255.4.5 65030 ipv4-unicast 65040" \
		"10.255.4.10 10.255.4.9 65099 ipv4-unicast 4200000003"; do
		set -- $nbr
		cat >>"$G/gobgpd.toml" <<-EOF

			[[neighbors]]
			  [neighbors.config]
			    neighbor-address = "$1"
			    peer-as = $3
			    local-as = $5
			  [neighbors.transport.config]
			    local-address = "$2"
			  [neighbors.timers.config]
			    hold-time = 9
			    keepalive-interval = 3
			    connect-retry = 3
			  [neighbors.graceful-restart.config]
			    enabled = true
			    restart-time = 90
			    notification-enabled = true
			    long-lived-enabled = true
		EOF
		local fam
		for fam in ${4//,/ }; do
			cat >>"$G/gobgpd.toml" <<-EOF
				  [[neighbors.afi-safis]]
				    [neighbors.afi-safis.config]
				      afi-safi-name = "$fam"
				    [neighbors.afi-safis.mp-graceful-restart.config]
				      enabled = true
				    [neighbors.afi-safis.long-lived-graceful-restart.config]
				      enabled = true
				      restart-time = 30
				    [neighbors.afi-safis.add-paths.config]
				      receive = true
				      send-max = 2
			EOF
		done
	done

	cat >"$B/bird.conf" <<-EOF
		log "$B/bird.log" all;
		router id 10.255.4.2;
		hostname "bird-c";
		protocol device { scan time 10; }
		$BIRD_NET_IN
		protocol static st4  { ipv4; route 10.6.1.0/24 blackhole; route 10.6.2.0/24 blackhole; }
		protocol static st4w { ipv4; route 10.6.9.0/24 blackhole; }
		protocol static st6  { ipv6; route 2001:db8:6:1::/64 blackhole; }
		protocol static st6w { ipv6; route 2001:db8:6:9::/64 blackhole; }

		function tag_routes() {
		  if net_in([ 10.6.1.0/24 ], [ 2001:db8:6:1::/64 ]) then {
		    bgp_med = 99;
		    bgp_path.prepend(65030);
		    bgp_community.add((65030, 1));
		    bgp_community.add((65535, 666));     # BLACKHOLE
		    bgp_ext_community.add((rt, 65030, 1));
		    bgp_ext_community.add((ro, 65030, 2));
		    bgp_ext_community.add((rt, 10.255.4.2, 3));
		    bgp_large_community.add((65030, 0, 1));
		    bgp_large_community.add((4200000003, 65030, 2));
		  }
		  if net = 10.6.2.0/24 then bgp_origin = ORIGIN_INCOMPLETE;
		}
		filter to_gobgp {
		  if source != RTS_STATIC then reject;
		  tag_routes();
		  accept;
		}
		# old-style (2-octet) session: also re-advertise GoBGP's own routes so
		# BIRD has to generate AS4_PATH / AS4_AGGREGATOR itself
		filter to_gobgp_as2 {
		  if source = RTS_STATIC then tag_routes();
		  accept;
		}
		template bgp gobgp_t {
		  local as 65030;
		  hold time 9; keepalive time 3;
		  connect delay time 1; connect retry time 3; error wait time 2, 6;
		  graceful restart on; long lived graceful restart on; long lived stale time 30;
		  enable extended messages on;
		  advertise hostname on;
		}
		protocol bgp gobgp_v4 from gobgp_t {
		  local role peer;      # RFC 9234: adds OTC on ingress and egress
		  local 10.255.4.2 as 65030;
		  neighbor 10.255.4.1 as 4200000003;
		  ipv4 { import all; export filter to_gobgp; add paths on; };
		}
		protocol bgp gobgp_v6 from gobgp_t {
		  local role peer;
		  local fd00:255:4::2 as 65030;
		  neighbor fd00:255:4::1 as 4200000003;
		  ipv6 { import all; export filter to_gobgp; add paths on; };
		  ipv4 { import all; export filter to_gobgp; extended next hop on; };
		}
		protocol bgp gobgp_as2 from gobgp_t {
		  local 10.255.4.6 as 65030;
		  neighbor 10.255.4.5 as 65040;
		  enable as4 off;
		  # no role here (routes learnt from a 'peer' carry OTC and would not be
		  # re-advertised to another 'peer'); lower preference so the best path for
		  # GoBGP's prefixes comes from gobgp_v4/v6 and is re-advertised here
		  ipv4 { import all; export filter to_gobgp_as2; preference 50; };
		}
		protocol bgp gobgp_badas from gobgp_t {
		  local 10.255.4.10 as 65030;
		  neighbor 10.255.4.9 as 4200000003;
		  ipv4 { import none; export none; };
		}
	EOF

	start_capture gb-bird "$name" h3b
	start_gobgp gb-gobgp gobgp-c "$G"
	log "  injecting GoBGP routes"
	gobgp_ gb-gobgp global rib -a ipv4 add 10.5.1.0/24 origin igp aspath '64700 {64701,4200000099}' \
		med 30 community 65535:0,blackhole,64700:1 large-community 4200000003:1:1 \
		aggregator 4200000003:10.255.4.1 rt 64700:5 || log "  WARNING: gobgp add 10.5.1.0/24"
	gobgp_ gb-gobgp global rib -a ipv4 add 10.5.2.0/24 origin egp || true
	gobgp_ gb-gobgp global rib -a ipv4 add 10.5.9.0/24 || true
	gobgp_ gb-gobgp global rib -a ipv6 add 2001:db8:5:1::/64 community 64700:6 large-community 4200000003:6:6 || true
	gobgp_ gb-gobgp global rib -a ipv6 add 2001:db8:5:9::/64 || true
	start_bird gb-bird bird-c "$B"
	require_established 25 "gobgp_v4" bird_established "$B" gobgp_v4
	require_established 10 "gobgp_v6" bird_established "$B" gobgp_v6
	require_established 10 "gobgp_as2" bird_established "$B" gobgp_as2
	sleep 4

	log "  route refresh (BIRD -> GoBGP; GoBGP 3.10 never sends ROUTE-REFRESH)"
	birdc_ "$B" reload in gobgp_v4 >/dev/null
	birdc_ "$B" reload in gobgp_v6 >/dev/null
	sleep 2
	log "  withdrawals"
	gobgp_ gb-gobgp global rib -a ipv4 del 10.5.9.0/24 >/dev/null
	gobgp_ gb-gobgp global rib -a ipv6 del 2001:db8:5:9::/64 >/dev/null
	birdc_ "$B" disable st4w >/dev/null
	birdc_ "$B" disable st6w >/dev/null
	sleep 3
	log "  GoBGP shutdown with communication"
	gobgp_ gb-gobgp neighbor fd00:255:4::2 shutdown --reason "Herald reference capture: GoBGP going down" >/dev/null
	sleep 1
	log "  GoBGP hard reset of the 2-octet session with communication (Cease/Administrative Reset)"
	gobgp_ gb-gobgp neighbor 10.255.4.6 reset --reason "Herald reference capture: GoBGP reset" >/dev/null
	sleep 1
	log "  BIRD shutdown with message"
	birdc_ "$B" disable gobgp_v4 '"Herald reference capture: BIRD going down"' >/dev/null
	sleep 2
	stop_capture "$name"
	stop_all_daemons
}

# ================================================================== main
[[ $EUID -eq 0 ]] || die "must run as root (network namespaces)"
for tool in bird birdc gobgpd gobgp tshark vtysh unshare "$FRR/bgpd" "$FRR/zebra"; do
	command -v "$tool" >/dev/null || die "missing $tool"
done
mkdir -p "$OUT"
log "work dir $WORK, output $OUT"
dpkg-query -W -f='${Package} ${Version}\n' bird2 frr gobgpd tshark 2>/dev/null | sed 's/^/  /' >&2

captures=("$@")
((${#captures[@]})) || captures=(bird-frr ibgp-rr gobgp-bird)
for c in "${captures[@]}"; do
	case $c in
	bird-frr) capture_bird_frr ;;
	ibgp-rr) capture_ibgp_rr ;;
	gobgp-bird) capture_gobgp_bird ;;
	*) die "unknown capture $c" ;;
	esac
done
log "done in ${SECONDS}s"
