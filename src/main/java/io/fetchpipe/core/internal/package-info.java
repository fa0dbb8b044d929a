/**
 * The actors and stages behind every pool: fetchpipe's guardian, each pool's throttling router
 * with its workers and gather supervisors, and the flow stage. Not public API.
 */
@InternalApi
package io.fetchpipe.core.internal;

import io.fetchpipe.InternalApi;
