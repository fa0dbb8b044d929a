/**
 * The actors and stages behind every pool: fetchpipe's guardian, each pool's throttling router with
 * its workers and gather supervisors, the flow stage, and the parts metrics can watch. Not public
 * API.
 */
@InternalApi
package io.fetchpipe.core.internal;

import io.fetchpipe.InternalApi;
