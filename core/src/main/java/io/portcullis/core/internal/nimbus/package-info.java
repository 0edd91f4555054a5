/**
 * The adapter to the Nimbus OAuth 2.0 / OpenID Connect SDK: discovery, token requests and ID
 * token verification. Nothing outside this package names a Nimbus type, and nothing here is API:
 * it may change in any release.
 */
@NullMarked
package io.portcullis.core.internal.nimbus;

import org.jspecify.annotations.NullMarked;
