/**
 * Bodies the failure switches answer with, inlined from the bug cases in
 * test/fixtures/ so the sandbox needs no files at run time.
 */

/** A proxy's 502 page: `test/fixtures/gateway-502.html`, byte for byte. */
export const GATEWAY_502_HTML =
  '<!DOCTYPE html>\n' +
  '<html><head><title>502 Bad Gateway</title></head>\n' +
  '<body><h1>Bad Gateway</h1><p>The server returned an invalid or ' +
  'incomplete response.</p></body></html>\n';

/** The Graph API's expired-token error: `test/fixtures/graph-error-190.json`. */
export const GRAPH_ERROR_190_JSON =
  '{"error":{"message":"Error validating access token: Session has ' +
  'expired.","type":"OAuthException","code":190,"error_subcode":463,' +
  '"fbtrace_id":"AbCdEf012345"}}\n';

/** The OAuth endpoint's error: `test/fixtures/oauth-error.json`. */
export const OAUTH_ERROR_JSON =
  '{"error_type":"OAuthException","code":400,' +
  '"error_message":"Invalid redirect_uri"}\n';

/** What `http-500` answers: deliberately not JSON. */
export const INTERNAL_ERROR_TEXT = 'Internal Server Error\n';
