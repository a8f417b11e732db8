// What FRRNodeState reports (FRR-K8s: status.runningConfig, lastConversionResult, lastReloadResult).
// FRR-K8s shows FRR's running configuration; Herald has none, so runningConfig is the merged
// configuration it runs, as YAML in FRRConfiguration's words: per router (VRF) its ASN, id and
// prefixes, per neighbor the session settings, what it advertises (with LOCAL_PREF and
// communities) and what it accepts, which sources contributed, and the always-block CIDRs.
// Passwords never appear ("<retracted>", FRR-K8s's word). The results are "success" or "failed: "
// with the reasons, one per line. Pure.
import type { MergedNeighbor, MergeResult } from './merge.js';
import { yamlBlock } from './yaml-block.js';

const RETRACTED = '<retracted>';

function neighborView(m: MergedNeighbor): Record<string, unknown> {
  const n = m.session;
  return {
    ...(n.address !== undefined && { address: n.address }),
    ...(n.interface !== undefined && { interface: n.interface }),
    ...(n.asn !== undefined ? { asn: n.asn } : { dynamicASN: n.dynamicASN }),
    ...(n.localASN !== undefined && { localASN: n.localASN }),
    port: n.port ?? 179,
    ...(n.sourceAddress !== undefined && { sourceaddress: n.sourceAddress }),
    ...((n.password !== undefined || n.passwordSecret !== undefined) && { password: RETRACTED }),
    ...(n.holdTime !== undefined && { holdTime: `${n.holdTime}s`, keepaliveTime: `${n.keepaliveTime}s` }),
    ...(n.connectTime !== undefined && { connectTime: `${n.connectTime}s` }),
    ...(n.ebgpMultiHop && { ebgpMultiHop: true }),
    ...(n.bfdProfile !== undefined && { bfdProfile: n.bfdProfile }),
    ...(n.enableGracefulRestart && { enableGracefulRestart: true }),
    ...(n.dualStackAddressFamily && { dualStackAddressFamily: true }),
    toAdvertise: Object.keys(m.advertise)
      .sort()
      .map((prefix) => {
        const a = m.advertise[prefix];
        return {
          prefix,
          ...(a.localPref !== undefined && { localPref: a.localPref }),
          ...(a.communities.length > 0 && { communities: a.communities }),
        };
      }),
    toReceive: m.receive.all ? 'all' : m.receive.prefixes,
    ...(m.configFile && { configFile: true }),
    sources: m.sources,
  };
}

/** The merged configuration as YAML, routers in VRF order, each with its neighbors. */
export function runningConfig(merged: MergeResult, alwaysBlock: readonly string[]): string {
  const routers = merged.routers.map((r) => ({
    asn: r.asn,
    ...(r.id !== undefined && { id: r.id }),
    vrf: r.vrf,
    prefixes: r.prefixes,
    neighbors: merged.neighbors.filter((m) => m.vrf === r.vrf).map(neighborView),
    sources: r.sources,
  }));
  return yamlBlock({
    routers,
    ...(merged.bfdProfiles.length > 0 && { bfdProfiles: merged.bfdProfiles }),
    ...(alwaysBlock.length > 0 && { alwaysBlock }),
  });
}

/** "success", or "failed: " and each reason on its own line. */
export function resultText(problems: readonly string[]): string {
  return problems.length === 0 ? 'success' : `failed: ${problems.join('\n')}`;
}
