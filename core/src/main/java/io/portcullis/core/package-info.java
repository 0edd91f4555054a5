/**
 * Portcullis core: the OpenID Connect relying-party protocol and the access decisions, with no
 * servlet and no Spring dependency. The engine ({@code Portcullis}) takes an {@code HttpExchange}
 * and returns an {@code Outcome}.
 */
@NullMarked
package io.portcullis.core;

import org.jspecify.annotations.NullMarked;
