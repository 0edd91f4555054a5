package io.portcullis.samples.legacy.containerauth;

import jakarta.servlet.annotation.HttpConstraint;
import jakarta.servlet.annotation.ServletSecurity;
import jakarta.servlet.annotation.WebServlet;

/**
 * Not in {@code web.xml} at all: declared and protected by its annotations ({@code admin}), as a
 * Servlet 3.0 application's servlets are.
 */
@WebServlet("/annotated-admin/*")
@ServletSecurity(@HttpConstraint(rolesAllowed = "admin"))
public class AnnotatedAdminServlet extends PageServlet {
  private static final long serialVersionUID = 1L;
}
