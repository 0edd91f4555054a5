/**
 * The adapter to the Nimbus OAuth 2.0 / OpenID Connect SDK: discovery, token requests and ID token
 * verification. Nothing outside this package names a Nimbus type, and nothing here is API: it may
 * change in any release. Only {@code io.portcullis.core} uses it, and it uses nothing of {@code
 * io.portcullis.core}: configuration comes in as plain values ({@link ConfiguredProvider}, {@link
 * ClientRegistration}). {@code ArchitectureTest} checks both.
 */
@NullMarked
package io.portcullis.core.internal.nimbus;

import org.jspecify.annotations.NullMarked;
