// `herald route ADDR`: like `show ip bgp 10.10.5.1`, an address without a length names the longest
// prefix in the Loc-RIB that holds it; a prefix with a length is looked up as it is.
import type { PrefixRouteView } from '../api/prefix-route.js';
import type { RouteView } from '../rib/route-view.js';
import { ApiRequestError, callApi } from './api-client.js';

function detail(base: string, prefix: string): Promise<PrefixRouteView> {
  return callApi<PrefixRouteView>(
    base,
    'GET',
    `/api/v1/routes/${prefix.split('/').map(encodeURIComponent).join('/')}`,
  );
}

/** Every path of `text`'s prefix, or of the longest prefix holding the address `text`. */
export async function routeDetail(base: string, text: string): Promise<PrefixRouteView> {
  if (text.includes('/')) return detail(base, text);
  const query = new URLSearchParams({ table: 'loc', prefix: text });
  const [match] = await callApi<RouteView[]>(base, 'GET', `/api/v1/routes?${query}`);
  if (!match) throw new ApiRequestError(404, 'routeNotFound', `no route in the Loc-RIB holds ${text}`);
  return detail(base, match.prefix);
}
