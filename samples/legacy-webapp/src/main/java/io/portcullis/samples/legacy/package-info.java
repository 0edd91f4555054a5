/**
 * The legacy sample: plain {@code HttpServlet}s declared in {@code web.xml} behind {@code
 * PortcullisFilter}, and {@link io.portcullis.samples.legacy.Main}, a launcher that runs the WAR in
 * embedded Jetty 12 next to an embedded OpenID provider.
 */
package io.portcullis.samples.legacy;
