package io.portcullis.servlet;

import jakarta.servlet.annotation.HttpConstraint;
import jakarta.servlet.annotation.ServletSecurity;

/**
 * The {@link ContainerAuthApp} WAR's servlet protected by its annotation only: {@code staff}. A
 * top-level class: Jetty 12.1 ignores {@code @ServletSecurity} on a nested one (it looks the
 * servlet's mappings up by the class's canonical name, {@code Outer.Inner}, never the {@code
 * Outer$Inner} that {@code web.xml} names).
 */
@ServletSecurity(@HttpConstraint(rolesAllowed = "staff"))
public class ContainerAuthReportsServlet extends ContainerAuthApp.PageServlet {
  private static final long serialVersionUID = 1L;
}
