// Herald's route protocol number (rtm_protocol): how Herald recognises its own kernel routes —
// to remove a crashed run's leftovers, to keep them across a graceful restart, and to never touch
// anyone else's routes (deletes name the protocol, and the kernel matches it).
//
// "Values of protocol >= RTPROT_STATIC are not interpreted by kernel; they are just passed from
//  user and back as is. It will be used by hypothetical multiple routing daemons." — <linux/rtnetlink.h>
//
// Taken, as of iproute2 6.1 / Linux 6.x / FRR 9: 0–4 and 8–18 (kernel, gated, ra, mrt, zebra, bird,
// dnrouted, xorp, ntk, dhcp, mrouted, keepalived), 42 babel, 99 openr, 186–192 (bgp, isis, ospf,
// rip, ripng, nhrp, eigrp in the kernel header) and 193–198 (FRR's ldp, sharp, pbr, static,
// openfabric, srte in /etc/iproute2/rt_protos.d/frr.conf and zebra); Calico's BIRD uses 80.
// FRR grows upwards from 186, so 199/200 are likely next there. Herald takes 72 (0x48, 'H'): in
// no list above, away from every range that grows. deploy/rt_protos.d/herald.conf names it so that
// `ip route` prints `proto herald`. It can be overridden (KernelRoutesOptions.protocol).
export const HERALD_RT_PROTOCOL = 72;
