/**
 * The servlets of the WAR with container-managed security that {@code JettyDistributionTest}
 * installs on the Jetty distribution: compiled with the tests, this package is copied into that
 * WAR's {@code WEB-INF/classes}, where Jetty's annotation scan finds them as it finds an
 * operator's. They use the servlet API only (and the sample pages' JSON helper); Portcullis is
 * named in the WAR's {@code web.xml} context-params, not here except for {@code
 * PortcullisRequests.identity}.
 *
 * <p>Each servlet is a top-level class: Jetty 12.1 ignores {@code @ServletSecurity} on a nested one
 * (it looks the servlet's mappings up by the class's canonical name, {@code Outer.Inner}, which
 * never equals the {@code Outer$Inner} that {@code web.xml} and its scan record).
 */
@NullMarked
package io.portcullis.samples.legacy.containerauth;

import org.jspecify.annotations.NullMarked;
