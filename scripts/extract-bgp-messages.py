#!/usr/bin/env python3
"""Extract every BGP message from the reference captures into messages.json.

Usage: scripts/extract-bgp-messages.py [CAPTURE_DIR]   (default test/fixtures/captures)

Only the Python standard library and the `tshark` binary are used.

* TCP streams are reassembled by tshark itself (`-z follow,tcp,raw,N`); the
  payload of each direction is concatenated and split on the BGP header
  length, so several messages per segment and messages spanning segments are
  both handled.
* The OPEN messages of each TCP stream are parsed to record what the session
  negotiated (4-octet AS, ADD-PATH per family and direction, extended
  messages, extended next hop, ...), which a decoder needs to decode UPDATEs.
* `summary` is derived from tshark's own BGP dissector (Wireshark 4.0): each
  message is written on its own into a scratch pcap and decoded with `-V`, with
  the AS-number length forced to what the session negotiated.  Items tshark
  cannot decode (e.g. OTC attribute 35) are reported with their raw bytes.
* Identical messages within one capture are emitted once ("count" tells how
  often they were seen).  UPDATE and ROUTE-REFRESH messages are only merged
  when their session context is identical too.
"""
import json
import os
import re
import struct
import subprocess
import sys
import tempfile

# ---------------------------------------------------------------- topology
# Address -> daemon, matching scripts/capture-reference.sh.
DAEMON_BY_ADDR = {
    # bird-frr
    "10.255.1.1": "bird", "10.255.1.5": "bird", "fd00:255:1::1": "bird",
    "10.255.1.2": "frr", "10.255.1.6": "frr", "fd00:255:1::2": "frr",
    # ibgp-rr
    "10.255.2.1": "frr", "fd00:255:2::1": "frr", "10.255.3.1": "frr",
    "10.255.3.5": "frr", "fd00:255:3::1": "frr",
    "10.255.2.2": "gobgp", "fd00:255:2::2": "gobgp",
    "10.255.3.2": "bird", "10.255.3.6": "bird", "fd00:255:3::2": "bird",
    # gobgp-bird
    "10.255.4.1": "gobgp", "10.255.4.5": "gobgp", "10.255.4.9": "gobgp",
    "fd00:255:4::1": "gobgp",
    "10.255.4.2": "bird", "10.255.4.6": "bird", "10.255.4.10": "bird",
    "fd00:255:4::2": "bird",
}

MSG_TYPES = {1: "OPEN", 2: "UPDATE", 3: "NOTIFICATION", 4: "KEEPALIVE", 5: "ROUTE-REFRESH"}
AFI = {1: "ipv4", 2: "ipv6", 25: "l2vpn"}
SAFI = {1: "unicast", 2: "multicast", 4: "labeled-unicast", 128: "vpn", 133: "flowspec", 70: "evpn"}
ROLES = {0: "provider", 1: "rs-server", 2: "rs-client", 3: "customer", 4: "peer"}


def family(afi, safi):
    return f"{AFI.get(afi, f'afi{afi}')}-{SAFI.get(safi, f'safi{safi}')}"


def tshark(*args, **kw):
    return subprocess.run(["tshark", *args], check=True, capture_output=True, text=True, **kw).stdout


# ------------------------------------------------------- TCP reassembly
def split_endpoint(s):
    m = re.match(r"^\[?(.*?)\]?:(\d+)$", s.strip())
    return m.group(1), int(m.group(2))


def follow_streams(pcap):
    """Yield (stream, node0, node1, [(direction, bytes)...]) with direction 0 = node0->node1."""
    ids = sorted({int(x) for x in tshark("-r", pcap, "-Y", "tcp.len > 0", "-T", "fields",
                                           "-e", "tcp.stream").split()})
    if not ids:
        return []
    args = ["-r", pcap, "-q"]
    for i in ids:
        args += ["-z", f"follow,tcp,raw,{i}"]
    out = tshark(*args)
    streams = []
    for block in out.split("=" * 67):
        m = re.search(r"Filter: tcp\.stream eq (\d+)\nNode 0: (.*)\nNode 1: (.*)\n", block)
        if not m:
            continue
        sid = int(m.group(1))
        n0, n1 = split_endpoint(m.group(2)), split_endpoint(m.group(3))
        chunks = []
        for line in block[m.end():].split("\n"):
            if not line.strip():
                continue
            direction = 1 if line.startswith("\t") else 0
            chunks.append((direction, bytes.fromhex(line.strip())))
        streams.append((sid, n0, n1, chunks))
    streams.sort(key=lambda s: s[0])
    return streams


def split_messages(chunks):
    """Return [(direction, message_bytes)] in wire order (per direction) with interleaving
    following the order in which segments were seen."""
    buf = {0: b"", 1: b""}
    out = []
    for direction, data in chunks:
        buf[direction] += data
        b = buf[direction]
        while len(b) >= 19:
            if b[:16] != b"\xff" * 16:
                print(f"  WARNING: bad marker in direction {direction}, dropping {len(b)} bytes",
                      file=sys.stderr)
                b = b""
                break
            length = struct.unpack("!H", b[16:18])[0]
            if length < 19:
                print(f"  WARNING: bad length {length}", file=sys.stderr)
                b = b""
                break
            if len(b) < length:
                break
            out.append((direction, b[:length]))
            b = b[length:]
        buf[direction] = b
    for d, rest in buf.items():
        if rest:
            print(f"  WARNING: {len(rest)} trailing bytes (incomplete message) in direction {d}",
                  file=sys.stderr)
    return out


# ------------------------------------------------------------ OPEN parsing
def parse_open(msg):
    body = msg[19:]
    info = {"version": body[0], "myAs": struct.unpack("!H", body[1:3])[0],
            "holdTime": struct.unpack("!H", body[3:5])[0],
            "bgpId": ".".join(str(x) for x in body[5:9]), "extendedOptParams": False,
            "caps": []}
    optlen, p = body[9], 10
    ext = False
    if optlen == 255 and len(body) > 10 and body[10] == 255:  # RFC 9072
        ext = True
        optlen = struct.unpack("!H", body[11:13])[0]
        p = 13
    info["extendedOptParams"] = ext
    end = p + optlen
    while p < end:
        ptype = body[p]
        if ext:
            plen = struct.unpack("!H", body[p + 1:p + 3])[0]
            p += 3
        else:
            plen = body[p + 1]
            p += 2
        if ptype == 2:
            q, qend = p, p + plen
            while q + 2 <= qend:
                code, clen = body[q], body[q + 1]
                info["caps"].append((code, body[q + 2:q + 2 + clen]))
                q += 2 + clen
        p += plen
    return info


def cap_values(info, code):
    return [v for c, v in info["caps"] if c == code]


def open_features(info):
    f = {"as4": None, "mp": set(), "addpath": {}, "enhe": {}, "extmsg": False, "rr": False,
         "err": False, "gr": None, "llgr": False, "role": None, "fqdn": None}
    for code, v in info["caps"]:
        if code == 1 and len(v) >= 4:
            f["mp"].add(family(struct.unpack("!H", v[:2])[0], v[3]))
        elif code == 2 or code == 128:
            f["rr"] = True
        elif code == 5:
            for i in range(0, len(v) - 5, 6):
                afi, safi, nh = struct.unpack("!HHH", v[i:i + 6])
                f["enhe"].setdefault(family(afi, safi), []).append(AFI.get(nh, str(nh)))
        elif code == 6:
            f["extmsg"] = True
        elif code == 9 and v:
            f["role"] = ROLES.get(v[0], str(v[0]))
        elif code == 64 and len(v) >= 2:
            flags = struct.unpack("!H", v[:2])[0]
            f["gr"] = {"restartState": bool(flags & 0x8000), "notification": bool(flags & 0x4000),
                       "restartTime": flags & 0x0FFF}
        elif code == 65 and len(v) == 4:
            f["as4"] = struct.unpack("!I", v)[0]
        elif code == 69:
            for i in range(0, len(v) - 3, 4):
                afi, safi, sr = struct.unpack("!HBB", v[i:i + 4])
                f["addpath"][family(afi, safi)] = sr
        elif code == 70:
            f["err"] = True
        elif code == 71:
            f["llgr"] = True
        elif code == 73 and v:
            hl = v[0]
            host = v[1:1 + hl].decode(errors="replace")
            dl = v[1 + hl] if len(v) > 1 + hl else 0
            dom = v[2 + hl:2 + hl + dl].decode(errors="replace")
            f["fqdn"] = host + ("." + dom if dom else "")
    if not f["mp"] and info["caps"] is not None:
        f["mp_implicit"] = True
    return f


def session_context(sender, receiver, established):
    """Session context from the point of view of the sender of a message.

    established: both sides sent a KEEPALIVE after their OPEN (i.e. each accepted
    the other's OPEN).  The negotiated values are computed whenever both OPENs
    were seen, even if the session was then refused with a NOTIFICATION."""
    if sender is None or receiver is None:
        return {"established": False, "as4": None,
                "note": "only one OPEN seen on this TCP connection; nothing was negotiated"}
    s, r = sender, receiver
    smp = s["mp"] or {"ipv4-unicast"}
    rmp = r["mp"] or {"ipv4-unicast"}
    fams = sorted(smp & rmp)
    addpath = {}
    for fam in sorted(set(s["addpath"]) | set(r["addpath"])):
        sv, rv = s["addpath"].get(fam, 0), r["addpath"].get(fam, 0)
        can_send = bool(sv & 2) and bool(rv & 1)
        can_recv = bool(sv & 1) and bool(rv & 2)
        addpath[fam] = {(True, True): "both", (True, False): "send", (False, True): "receive",
                        (False, False): "none"}[(can_send, can_recv)]
    enhe = {fam: nh for fam, nh in r["enhe"].items() if fam in s["enhe"]}
    ctx = {
        "established": established,
        "as4": s["as4"] is not None and r["as4"] is not None,
        "families": fams,
        "addPath": addpath,
        "extendedMessage": s["extmsg"] and r["extmsg"],
        "extendedNextHop": enhe,
        "routeRefresh": s["rr"] and r["rr"],
        "enhancedRouteRefresh": s["err"] and r["err"],
        "gracefulRestart": s["gr"] is not None and r["gr"] is not None,
        "gracefulRestartNotification": bool(s["gr"] and r["gr"] and s["gr"]["notification"]
                                            and r["gr"]["notification"]),
        "longLivedGracefulRestart": s["llgr"] and r["llgr"],
        "role": {"from": s["role"], "to": r["role"]} if (s["role"] or r["role"]) else None,
        "hostname": {"from": s["fqdn"], "to": r["fqdn"]},
    }
    return ctx


# ------------------------------------------------------- tshark summaries
def write_pcap(path, messages):
    """messages: list of bytes.  One IPv4/TCP(179) packet per BGP message, each on
    its own TCP port pair so tshark never tries to reassemble across them."""
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 262144, 101))  # LINKTYPE_RAW
        for i, m in enumerate(messages):
            tcp = struct.pack("!HHIIBBHHH", 179, 1024 + i, 1, 1, 5 << 4, 0x18, 65535, 0, 0)
            total = 20 + len(tcp) + len(m)
            ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, total, 0, 0x4000, 64, 6, 0,
                             bytes([192, 0, 2, 1]), bytes([192, 0, 2, 2]))
            pkt = ip + tcp + m
            f.write(struct.pack("<IIII", i, 0, len(pkt), len(pkt)))
            f.write(pkt)


def parse_tree(text):
    """Parse tshark -V output into per-frame lists of BGP trees (text, children)."""
    frames = []
    stack = None
    for line in text.split("\n"):
        if line.startswith("Frame "):
            frames.append([])
            stack = None
            continue
        if not frames:
            continue
        if line.startswith("Border Gateway Protocol"):
            node = (line.strip(), [])
            frames[-1].append(node)
            stack = [(0, node)]
            continue
        if stack is None or not line.strip():
            if line and not line.startswith(" "):
                stack = None
            continue
        if not line.startswith(" "):
            stack = None
            continue
        indent = len(line) - len(line.lstrip(" "))
        node = (line.strip(), [])
        while stack and stack[-1][0] >= indent:
            stack.pop()
        if not stack:
            continue
        stack[-1][1][1].append(node)
        stack.append((indent, node))
    return frames


CAP_SKIP = re.compile(r"^(Type|Length|Reserved|Hostname Length|Domain Name Length|Parameter)\b")


def leaves(node):
    """Flatten a capability subtree into its value lines (skipping structure and bit fields)."""
    out = []
    for t, k in node[1]:
        if "...." in t or CAP_SKIP.match(t):
            continue
        out.append(t)
        out += leaves((t, k))
    return out


def short_family(kids):
    afi = safi = ""
    for t, _ in kids:
        if t.startswith("Address family identifier"):
            afi = t.split(": ", 1)[1].split(" (")[0]
        elif t.startswith("Subsequent address family"):
            safi = t.split(": ", 1)[1].split(" (")[0]
    return f"{afi} {safi}".strip()


def attr_raw(msg):
    """Raw attribute values by type code (for things tshark cannot decode)."""
    out = {}
    body = msg[19:]
    wl = struct.unpack("!H", body[:2])[0]
    p = 2 + wl
    al = struct.unpack("!H", body[p:p + 2])[0]
    p += 2
    end = p + al
    while p < end:
        flags, code = body[p], body[p + 1]
        if flags & 0x10:
            ln = struct.unpack("!H", body[p + 2:p + 4])[0]
            p += 4
        else:
            ln = body[p + 2]
            p += 3
        out[code] = body[p:p + ln]
        p += ln
    return out


def eor_family(msg):
    if len(msg) == 23:
        return "ipv4-unicast"
    raw = attr_raw(msg)
    body = msg[19:]
    if struct.unpack("!H", body[:2])[0] == 0 and list(raw) == [15] and len(raw[15]) == 3:
        afi, safi = struct.unpack("!HB", raw[15])
        return family(afi, safi)
    return None


def summarize(tree, msg):
    title, kids = tree
    mtype = msg[18]
    if mtype == 4:
        return "KEEPALIVE"
    if mtype == 1:
        head = []
        caps = []
        for t, k in kids:
            if t.startswith(("My AS", "Hold Time", "BGP Identifier")):
                head.append(t)
            elif t.startswith("Optional Parameters") and not t.startswith("Optional Parameters Length"):
                for pt, pk in k:
                    for ct, ck in pk:
                        if ct.startswith("Capability:"):
                            detail = leaves((ct, ck))
                            caps.append(ct[len("Capability: "):] + (f" [{'; '.join(detail)}]" if detail else ""))
            elif t.startswith("Optional Parameters Length"):
                head.append(t)
        return "OPEN " + ", ".join(head) + "; capabilities: " + " | ".join(caps)
    if mtype == 5:
        fam = short_family(kids)
        sub = next((t.split(": ", 1)[1] for t, _ in kids if t.startswith("Subtype")), "")
        return f"ROUTE-REFRESH {fam}; subtype: {sub}"
    if mtype == 3:
        items = []
        for t, k in kids:
            if t.startswith(("Marker", "Length", "Type")):
                continue
            items.append(t)
            items += [x for x, _ in k]
        return "NOTIFICATION " + "; ".join(items)
    # UPDATE
    parts = []
    eor = eor_family(msg)
    if eor:
        return f"UPDATE End-of-RIB {eor}"
    raw = None
    for t, k in kids:
        if t == "Withdrawn Routes":
            parts.append("withdrawn: " + ", ".join(x for x, _ in k))
        elif t == "Path attributes":
            attrs = []
            for at, ak in k:
                name = at[len("Path Attribute - "):] if at.startswith("Path Attribute - ") else at
                if name.startswith("MP_REACH_NLRI"):
                    nh = next((x for x, _ in ak if x.startswith("Next hop")), "")
                    nlri = [x for x, kk in ak if x.startswith("Network Layer") for x, _ in kk]
                    attrs.append(f"MP_REACH_NLRI({short_family(ak)}; {nh}; nlri: {', '.join(nlri)})")
                elif name.startswith("MP_UNREACH_NLRI"):
                    wd = [x for x, kk in ak if x.startswith("Withdrawn") for x, _ in kk]
                    attrs.append(f"MP_UNREACH_NLRI({short_family(ak)}; withdrawn: {', '.join(wd)})")
                elif name.startswith("EXTENDED_COMMUNITIES"):
                    ecs = [x for x, kk in ak if x.startswith("Carried") for x, _ in kk]
                    attrs.append("EXTENDED_COMMUNITIES: " + ", ".join(ecs))
                elif name.startswith("Unknown"):
                    raw = raw if raw is not None else attr_raw(msg)
                    code = int(re.search(r"\((\d+)\)", name).group(1))
                    val = raw.get(code, b"")
                    note = f" = {struct.unpack('!I', val)[0]}" if code == 35 and len(val) == 4 else ""
                    label = " [OTC, RFC 9234; not decoded by this tshark]" if code == 35 else " [not decoded by this tshark]"
                    attrs.append(f"{name}: 0x{val.hex()}{note}{label}")
                else:
                    attrs.append(name.strip())
            parts.append("attrs: " + " | ".join(attrs))
        elif t.startswith("Network Layer Reachability"):
            parts.append("nlri: " + ", ".join(x for x, _ in k))
    return "UPDATE " + "; ".join(parts)


ATTR_NAMES = {1: "ORIGIN", 2: "AS_PATH", 3: "NEXT_HOP", 4: "MULTI_EXIT_DISC", 5: "LOCAL_PREF",
              6: "ATOMIC_AGGREGATE", 7: "AGGREGATOR", 8: "COMMUNITIES", 9: "ORIGINATOR_ID",
              10: "CLUSTER_LIST", 14: "MP_REACH_NLRI", 15: "MP_UNREACH_NLRI",
              16: "EXTENDED_COMMUNITIES", 17: "AS4_PATH", 18: "AS4_AGGREGATOR", 26: "AIGP",
              32: "LARGE_COMMUNITY", 35: "OTC"}
CAP_NAMES = {1: "Multiprotocol", 2: "Route refresh", 3: "ORF", 5: "Extended next hop",
             6: "Extended message", 9: "BGP role", 64: "Graceful restart", 65: "4-octet AS",
             66: "Dynamic (old)", 67: "Dynamic", 69: "ADD-PATH", 70: "Enhanced route refresh",
             71: "Long-lived graceful restart", 73: "FQDN", 128: "Route refresh (old Cisco)",
             130: "ORF (old Cisco)"}


def fallback_summary(msg, why):
    """Minimal own decode for messages tshark 4.0 cannot dissect."""
    if msg[18] == 1:
        info = parse_open(msg)
        caps = []
        for code, v in info["caps"]:
            caps.append(f"{CAP_NAMES.get(code, 'code ' + str(code))}({code})" + (f"=0x{v.hex()}" if v else ""))
        return (f"OPEN My AS: {info['myAs']}, Hold Time: {info['holdTime']}, BGP Identifier: "
                f"{info['bgpId']}, RFC 9072 extended optional parameters: {info['extendedOptParams']}; "
                f"capabilities: " + " | ".join(caps) + f" [{why}]")
    if msg[18] == 2:
        attrs = []
        for code, v in attr_raw(msg).items():
            name = ATTR_NAMES.get(code, f"type {code}")
            if code == 32:
                vals = [":".join(str(x) for x in struct.unpack("!III", v[i:i + 12]))
                        for i in range(0, len(v), 12)]
                attrs.append(f"{name}: {len(vals)} values ({vals[0]} ... {vals[-1]})")
            elif code == 3 and len(v) == 4:
                attrs.append(f"{name}: {'.'.join(str(x) for x in v)}")
            else:
                attrs.append(f"{name}: 0x{v.hex()}")
        return f"UPDATE ({len(msg)} bytes) attrs: " + " | ".join(attrs) + f" [{why}]"
    return f"{MSG_TYPES.get(msg[18])} [{why}]"


def tshark_summaries(messages, as4):
    """messages: list of bytes all from sessions with the same AS-number length."""
    if not messages:
        return []
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "m.pcap")
        write_pcap(path, messages)
        text = tshark("-r", path, "-o", f"bgp.asn_len:{'4 octet' if as4 else '2 octet'}",
                      "-O", "bgp", "-V")
    frames = parse_tree(text)
    out = []
    for i, m in enumerate(messages):
        trees = frames[i] if i < len(frames) else []
        try:
            if len(m) > 4096:
                out.append(fallback_summary(m, "own decode: tshark 4.0 rejects messages longer "
                                               "than 4096 bytes (RFC 8654 extended message)"))
            elif m[18] == 1 and parse_open(m)["extendedOptParams"]:
                out.append(fallback_summary(m, "own decode: tshark 4.0 does not understand RFC 9072"))
            else:
                out.append(summarize(trees[0], m) if trees else "(tshark could not decode)")
        except Exception as e:  # never let the summary break extraction
            out.append(f"(summary failed: {e})")
    return out


# ------------------------------------------------------------------ main
def extract(pcap, capture):
    result = []
    for sid, n0, n1, chunks in follow_streams(pcap):
        msgs = split_messages(chunks)
        opens = {0: None, 1: None}
        keepalive_after_open = {0: False, 1: False}
        for d, m in msgs:
            if m[18] == 1 and opens[d] is None:
                opens[d] = open_features(parse_open(m))
            elif m[18] == 4 and opens[d] is not None:
                keepalive_after_open[d] = True
        established = keepalive_after_open[0] and keepalive_after_open[1]
        for d, m in msgs:
            src, dst = (n0, n1) if d == 0 else (n1, n0)
            ctx = session_context(opens[d], opens[1 - d], established)
            ctx = {"tcpStream": sid, **ctx}
            result.append({
                "capture": capture,
                "from": DAEMON_BY_ADDR.get(src[0], src[0]),
                "to": DAEMON_BY_ADDR.get(dst[0], dst[0]),
                "fromAddr": f"{src[0]}:{src[1]}" if ":" not in src[0] else f"[{src[0]}]:{src[1]}",
                "toAddr": f"{dst[0]}:{dst[1]}" if ":" not in dst[0] else f"[{dst[0]}]:{dst[1]}",
                "type": MSG_TYPES.get(m[18], f"TYPE-{m[18]}"),
                "length": len(m),
                "session": ctx,
                "hex": m.hex(),
            })
    # de-duplicate
    seen = {}
    unique = []
    for r in result:
        key = (r["hex"],)
        if r["type"] in ("UPDATE", "ROUTE-REFRESH"):
            s = {k: v for k, v in r["session"].items() if k != "tcpStream"}
            key = (r["hex"], r["from"], r["to"], json.dumps(s, sort_keys=True))
        if key in seen:
            seen[key]["count"] += 1
            continue
        r["count"] = 1
        seen[key] = r
        unique.append(r)
    # tshark summaries, decoded with the negotiated AS-number length
    for as4 in (True, False):
        group = [r for r in unique if (r["session"].get("as4") is not False) == as4]
        for r, s in zip(group, tshark_summaries([bytes.fromhex(r["hex"]) for r in group], as4)):
            r["summary"] = s
    order = ["capture", "from", "to", "type", "summary", "length", "count", "fromAddr", "toAddr",
             "session", "hex"]
    return [{k: r[k] for k in order} for r in unique], len(result)


def main():
    repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    cap_dir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(repo, "test", "fixtures", "captures")
    out = []
    for name in sorted(os.listdir(cap_dir)):
        if not name.endswith(".pcapng"):
            continue
        capture = name[: -len(".pcapng")]
        msgs, total = extract(os.path.join(cap_dir, name), capture)
        counts = {}
        for m in msgs:
            counts[m["type"]] = counts.get(m["type"], 0) + 1
        print(f"{capture}: {total} messages, {len(msgs)} unique {counts}", file=sys.stderr)
        out += msgs
    path = os.path.join(cap_dir, "messages.json")
    with open(path, "w") as f:  # one message per line: compact and diff-friendly
        f.write("[\n" + ",\n".join(json.dumps(m) for m in out) + "\n]\n")
    print(f"wrote {path} ({len(out)} messages)", file=sys.stderr)


if __name__ == "__main__":
    main()
