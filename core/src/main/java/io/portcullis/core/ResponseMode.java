package io.portcullis.core;

import java.util.Optional;

/**
 * How the provider returns the authorization response (OAuth 2.0 Multiple Response Type Encoding
 * Practices; OAuth 2.0 Form Post Response Mode), as set by {@code response-mode}.
 */
enum ResponseMode {
  /** Parameters in the query of a redirect to the callback. */
  QUERY("query"),
  /** Parameters in a cross-site {@code POST} to the callback. */
  FORM_POST("form_post");

  private final String value;

  ResponseMode(String value) {
    this.value = value;
  }

  /** Returns the {@code response_mode} value as sent to the provider. */
  public String value() {
    return value;
  }

  static Optional<ResponseMode> fromValue(String value) {
    for (ResponseMode mode : values()) {
      if (mode.value.equals(value)) {
        return Optional.of(mode);
      }
    }
    return Optional.empty();
  }
}
