package io.portcullis.samples.legacy.containerauth;

import jakarta.servlet.annotation.HttpConstraint;
import jakarta.servlet.annotation.ServletSecurity;

/**
 * Declared in {@code web.xml} at {@code /annotated/*}, which no {@code <security-constraint>}
 * covers: only its annotation protects it ({@code read:data}).
 */
@ServletSecurity(@HttpConstraint(rolesAllowed = "read:data"))
public class AnnotatedDataServlet extends PageServlet {
  private static final long serialVersionUID = 1L;
}
