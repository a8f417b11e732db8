// The four attribute categories of RFC 4271 §5 as flag values (Optional | Transitive bits).
import { AttrFlag } from '../registry.js';

export const WELL_KNOWN = AttrFlag.TRANSITIVE;
export const OPTIONAL_TRANSITIVE = AttrFlag.OPTIONAL | AttrFlag.TRANSITIVE;
export const OPTIONAL_NON_TRANSITIVE = AttrFlag.OPTIONAL;
/** Mask of the bits RFC 7606 §3(c) checks: "Optional or Transitive bits ... in conflict". */
export const CATEGORY_MASK = AttrFlag.OPTIONAL | AttrFlag.TRANSITIVE;
