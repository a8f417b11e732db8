// IANA "Bidirectional Forwarding Detection (BFD) Parameters": session states, diagnostic codes and
// authentication types (RFC 5880 §4.1, §4.2), as `as const` objects with derived types.

/** RFC 5880 §4.1 State (Sta): the wire value is the index in `BFD_STATES`. */
export const BFD_STATES = ['AdminDown', 'Down', 'Init', 'Up'] as const;
export type BfdState = (typeof BFD_STATES)[number];

export const stateCode = (s: BfdState): number => BFD_STATES.indexOf(s);

/** RFC 5880 §4.1 Diagnostic (Diag). Codes 9–31 are unassigned; the codec keeps them as numbers. */
export const BfdDiag = {
  NONE: 0,
  CONTROL_DETECTION_TIME_EXPIRED: 1,
  ECHO_FUNCTION_FAILED: 2,
  NEIGHBOR_SIGNALED_SESSION_DOWN: 3,
  FORWARDING_PLANE_RESET: 4,
  PATH_DOWN: 5,
  CONCATENATED_PATH_DOWN: 6,
  ADMINISTRATIVELY_DOWN: 7,
  REVERSE_CONCATENATED_PATH_DOWN: 8,
} as const;
export type BfdDiag = number;

const DIAG_NAMES = [
  'none',
  'controlDetectionTimeExpired',
  'echoFunctionFailed',
  'neighborSignaledSessionDown',
  'forwardingPlaneReset',
  'pathDown',
  'concatenatedPathDown',
  'administrativelyDown',
  'reverseConcatenatedPathDown',
] as const;
export type BfdDiagName = (typeof DIAG_NAMES)[number];

/** camelCase name of a diagnostic code, for logs, the API and metrics labels (`diag12` if unassigned). */
export function diagName(code: BfdDiag): string {
  return DIAG_NAMES[code] ?? `diag${code}`;
}

/** RFC 5880 §4.2 Auth Type. */
export const BfdAuthType = {
  SIMPLE_PASSWORD: 1,
  KEYED_MD5: 2,
  METICULOUS_KEYED_MD5: 3,
  KEYED_SHA1: 4,
  METICULOUS_KEYED_SHA1: 5,
} as const;

/** The names used in config and the API. */
export const AUTH_TYPE_NAMES = {
  'simple-password': BfdAuthType.SIMPLE_PASSWORD,
  'keyed-md5': BfdAuthType.KEYED_MD5,
  'meticulous-keyed-md5': BfdAuthType.METICULOUS_KEYED_MD5,
  'keyed-sha1': BfdAuthType.KEYED_SHA1,
  'meticulous-keyed-sha1': BfdAuthType.METICULOUS_KEYED_SHA1,
} as const;
export type BfdAuthTypeName = keyof typeof AUTH_TYPE_NAMES;

/** UDP destination ports: RFC 5881 §4 (single hop) and RFC 5883 §5 (multihop). */
export const BFD_PORT_SINGLE_HOP = 3784;
export const BFD_PORT_MULTIHOP = 4784;
