/**
 * The servlet adapter: {@code PortcullisFilter}, its configuration sources, the {@code HttpSession}
 * store and the request wrapper.
 */
@NullMarked
package io.portcullis.servlet;

import org.jspecify.annotations.NullMarked;
