/**
 * What virtual time runs on: a scheduler that jumps from timer to timer and the dispatcher
 * executors that tell it when the actor system is quiet. Not public API.
 */
@InternalApi
package io.fetchpipe.testkit.internal;

import io.fetchpipe.InternalApi;
