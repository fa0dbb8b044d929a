/** How fetchpipe's parts become Micrometer meters; may change in any release. */
@InternalApi
package io.fetchpipe.metrics.internal;

import io.fetchpipe.InternalApi;
